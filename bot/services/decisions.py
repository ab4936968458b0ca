"""After the close: the decision record as minutes, reservations, the export, late deliveries.

The record is written once, when the vote closes (see votes); what comes after is kept beside
it: reservations in their own rows, the announcements the outbox could not deliver.
"""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from bot.domain.count import Outcome
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.minutes import Export, Minutes
from bot.services import outbox_events as out
from bot.services.context import Actor, Services
from bot.services.record import minutes_of, refuse_if_justerat, sealed_version, versions_of
from bot.services.unit import enqueue, record_change, row_id, transaction
from bot.services.vote_view import view_of
from bot.services.votes import locate, vote_target
from storage import audit, meeting, projects
from storage import outbox as queue
from storage import votes as store
from storage.models import Project, Reservation, Vote

MAX_REASON = 2000


def _minutes(session: Session, vote: Vote) -> Minutes:
    return minutes_of(session, vote)


def minutes(services: Services, actor: Actor, channel_id: str) -> Minutes:
    """`protokoll`: the latest decision of the channel's project (or of the vote held here)."""
    with services.db.reading() as session:
        project, vote = latest_closed(session, actor, channel_id)
        if vote is None:
            if project is None:
                raise DomainError(ErrorCode.NO_PROJECT)
            raise DomainError(ErrorCode.NO_DECISION)
        return _minutes(session, vote)


def latest_closed(
    session: Session, actor: Actor, channel_id: str
) -> tuple[Project | None, Vote | None]:
    """The channel's project and its latest closed vote, or the latest closed vote held here."""
    project = projects.project_in_channel(
        session=session, team_id=actor.team_id, channel_id=channel_id
    )
    if project is not None:
        return project, store.latest_closed(session=session, project_id=row_id(project))
    return None, store.latest_closed_in_channel(
        session=session, team_id=actor.team_id, channel_id=channel_id
    )


def add_reservation(services: Services, actor: Actor, vote_id: int, reason: str) -> Minutes:
    """A reservation against the decision by one who voted against its outcome, after the close
    (KL 4 kap. 27 § practice); the reason may be left blank.

    It is kept beside the record (which is immutable) and posted in the vote message's thread.
    """
    reason = reason.strip()
    now = services.clock()

    def work(session: Session) -> Minutes:
        found = store.vote_with_project(session=session, vote_id=vote_id, lock=True)
        if found is None or found[1].team_id != actor.team_id:
            raise DomainError(ErrorCode.NO_DECISION)
        vote, project = found
        if vote.status == store.OPEN:
            raise DomainError(ErrorCode.VOTE_STILL_OPEN)
        assert vote.record is not None
        record = json.loads(vote.record)
        _check_reserver(actor.user_id, record)
        refuse_if_justerat(session, vote_id)
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


def _check_reserver(user: str, record: dict[str, Any]) -> None:
    """Only one who voted against the outcome reserves; nothing to reserve against when no
    decision was made (the record's counted ballots are what `may_reserve` reads)."""
    outcome = Outcome(record["outcome"])
    if outcome in (Outcome.no_quorum, Outcome.referred_back):
        raise DomainError(ErrorCode.RESERVE_NO_DECISION, outcome=outcome.value)
    against = record["no"] if outcome is Outcome.approved else record["yes"]
    if user not in against:
        if user not in record["electorate"] and user not in record.get("serving", []):
            raise DomainError(ErrorCode.NOT_A_MEMBER, user=user)
        raise DomainError(ErrorCode.RESERVE_NOT_AGAINST, outcome=outcome.value)


def add_note(services: Services, actor: Actor, channel_id: str, text: str) -> Minutes | None:
    """`anteckning <text>`: a protokollsanteckning by a ledamot, a serving ersättare, an
    adjungerad or the föredragande, to the open vote or else the latest closed one.

    A closed record takes notes until it is justerat.
    Returns the minutes when the vote is closed, None while it is open.
    """
    text = text.strip()
    now = services.clock()

    def work(session: Session) -> Minutes | None:
        vote, project = _noted_vote(session, actor, channel_id)
        view = view_of(services, session, vote, project)
        allowed = {
            *view.members,
            *view.seating.serving,
            *view.coopted,
            view.presented_by,
        }
        if actor.user_id not in allowed:
            raise DomainError(ErrorCode.NOT_A_PARTICIPANT, user=actor.user_id)
        if not view.is_open:
            refuse_if_justerat(session, row_id(vote))
        meeting.add_note(
            session=session, vote_id=row_id(vote), user_id=actor.user_id, text=text, at=now
        )
        record_change(services, session, actor, project, "vote.note", vote_target(vote), None, text)
        return None if view.is_open else _minutes(session, vote)

    return transaction(services, work)


def _noted_vote(session: Session, actor: Actor, channel_id: str) -> tuple[Vote, Project]:
    try:
        return locate(session, actor, None, channel_id)
    except DomainError as error:
        if error.code is not ErrorCode.NO_OPEN_VOTE:
            raise
    _, vote = latest_closed(session, actor, channel_id)
    if vote is None:
        raise DomainError(ErrorCode.NO_OPEN_VOTE)
    found = store.vote_with_project(session=session, vote_id=row_id(vote), lock=True)
    assert found is not None
    return found


def bot_invited(services: Services, team_id: str, channel: str) -> int:
    """The bot joined a channel of `team_id`: the vote messages and announcements that could
    not reach it are sent now."""
    with services.db.session() as session:
        return queue.retry_failed(
            session=session,
            team_id=team_id,
            kinds=out.TOLD_WHEN_UNDELIVERED,
            target=channel,
            now=services.clock(),
        )


def export(
    services: Services, ref: str, team_id: str | None = None, *, all_versions: bool = False
) -> Export:
    """A project by id, channel id or name (any case), with every decision and its audit trail.

    Each decision as it stands (a justerat one exactly as it was sealed); `all_versions`: every
    justerat version of each, as sealed, and then the one being justerat, if any.
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
        closed = [
            v
            for v in store.votes_of(session=session, project_id=row_id(project))
            if v.status == store.CLOSED
        ]
        decisions = tuple(
            m
            for v in closed
            for m in (versions_of(session, v) if all_versions else (_minutes(session, v),))
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


def justerat_version(services: Services, vote_id: int, version: int) -> Export | None:
    """One justerat version of a decision's record, as it was sealed, without the audit trail:
    what the bot files as a PDF in the project's channel. None if it was never justerat."""
    with services.db.reading() as session:
        found = store.vote_with_project(session=session, vote_id=vote_id)
        if found is None:
            return None
        vote, project = found
        sealed = sealed_version(session, vote, version)
        if sealed is None:
            return None
        return Export(project.name, project.channel_id, project.team_id, (sealed,), ())
