"""After the close: the decision record as minutes, reservations, the export, late deliveries.

The record is written once, when the vote closes (see votes); what comes after is kept beside
it: reservations in their own rows, the announcements the outbox could not deliver.
"""

from __future__ import annotations

import json

from sqlmodel import Session

from bot.domain.decision import CONFLICT
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.minutes import Export, Minutes
from bot.services import outbox_events as out
from bot.services.context import Actor, Services
from bot.services.unit import enqueue, record_change, row_id, transaction
from bot.services.votes import vote_target
from storage import audit, projects
from storage import outbox as queue
from storage import votes as store
from storage.models import Reservation, Vote

MAX_REASON = 2000


def _minutes(session: Session, vote: Vote) -> Minutes:
    assert vote.record is not None
    reservations = tuple(
        {"user": r.user_id, "reason": r.reason, "at": r.at.isoformat()}
        for r in store.reservations(session=session, vote_id=row_id(vote))
    )
    failed = queue.failed_for(
        session=session,
        kind=out.OutboxKind.ANNOUNCEMENT,
        key_prefix=out.announcement_prefix(row_id(vote)),
    )
    return Minutes(json.loads(vote.record), reservations, tuple(e.target for e in failed))


def minutes(services: Services, actor: Actor, channel_id: str) -> Minutes:
    """`protokoll`: the latest decision of the channel's project (or of the vote held here)."""
    with services.db.reading() as session:
        project = projects.project_in_channel(
            session=session, team_id=actor.team_id, channel_id=channel_id
        )
        vote = None
        if project is not None:
            vote = store.latest_closed(session=session, project_id=row_id(project))
        else:
            vote = store.latest_closed_in_channel(
                session=session, team_id=actor.team_id, channel_id=channel_id
            )
        if vote is None:
            if project is None:
                raise DomainError(ErrorCode.NO_PROJECT)
            raise DomainError(ErrorCode.NO_DECISION)
        return _minutes(session, vote)


def add_reservation(services: Services, actor: Actor, vote_id: int, reason: str) -> Minutes:
    """A member's reservation against the decision, with a reason, after the vote closed.

    It is kept beside the record (which is immutable) and posted in the vote message's thread.
    """
    reason = reason.strip()
    now = services.clock()

    def work(session: Session) -> Minutes:
        found = store.vote_with_project(session=session, vote_id=vote_id, lock=True)
        if found is None or found[1].team_id != actor.team_id:
            raise DomainError(ErrorCode.NO_DECISION)
        vote, project = found
        stored = store.ballots(session=session, vote_id=vote_id)
        if actor.user_id not in vote.members:
            raise DomainError(ErrorCode.NOT_A_MEMBER, user=actor.user_id)
        if stored.get(actor.user_id) == CONFLICT:
            raise DomainError(ErrorCode.CONFLICT_DECLARED, user=actor.user_id)
        if vote.status == store.OPEN:
            raise DomainError(ErrorCode.VOTE_STILL_OPEN)
        if not reason:
            raise DomainError(ErrorCode.REASON_REQUIRED, usage="reservation")
        if len(reason) > MAX_REASON:
            raise DomainError(
                ErrorCode.TEXT_TOO_LONG, length=str(len(reason)), limit=str(MAX_REASON)
            )
        if any(
            r.user_id == actor.user_id for r in store.reservations(session=session, vote_id=vote_id)
        ):
            raise DomainError(ErrorCode.ALREADY_RESERVED)
        store.add_reservation(
            session=session,
            reservation=Reservation(vote_id=vote_id, user_id=actor.user_id, reason=reason, at=now),
        )
        record_change(
            services, session, actor, project, "vote.reservation", vote_target(vote), None, reason
        )
        posted = out.reservation(project.team_id, vote_id, vote.channel_id, actor.user_id, reason)
        enqueue(session, now, posted)
        return _minutes(session, vote)

    return transaction(services, work)


def bot_invited(services: Services, team_id: str, channel: str) -> int:
    """The bot joined a channel of `team_id`: its announcements that could not reach it are
    sent now."""
    with services.db.session() as session:
        return queue.retry_failed(
            session=session,
            team_id=team_id,
            kind=out.OutboxKind.ANNOUNCEMENT,
            target=channel,
            now=services.clock(),
        )


def export(services: Services, ref: str, team_id: str | None = None) -> Export:
    """A project by id, channel id or name (any case), with every decision and its audit trail.

    Names are unique only within a workspace: `team_id` says whose is meant; the candidates
    of an ambiguous `ref` are listed with their workspace.
    """
    with services.db.reading() as session:
        matches = projects.find_projects(session=session, ref=ref)
        if team_id is not None:
            matches = [p for p in matches if p.team_id == team_id]
        if len(matches) != 1:
            raise DomainError(
                ErrorCode.NO_PROJECT if not matches else ErrorCode.AMBIGUOUS_PROJECT,
                value=ref,
                candidates="; ".join(
                    f"{p.id}: {p.name} ({p.channel_id}, team {p.team_id})" for p in matches
                ),
            )
        project = matches[0]
        decisions = tuple(
            _minutes(session, v)
            for v in store.votes_of(session=session, project_id=row_id(project))
            if v.status == store.CLOSED
        )
        trail = tuple(
            {
                "at": e.at.isoformat(),
                "actor": e.actor_id,
                "action": e.action,
                "target": e.target,
                "before": e.before,
                "after": e.after,
            }
            for e in audit.entries_of(session=session, project_id=row_id(project))
        )
        return Export(project.name, project.channel_id, project.team_id, decisions, trail)
