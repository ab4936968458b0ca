"""Milstolpe VII: the readiness check, the vote, jäv, and the close that writes the record.

Every change to a vote runs in one transaction that first takes the vote's row lock (on SQLite
the writer lock), so ballots, jäv and closing of one vote are serialised: the close sees every
ballot committed before it and no ballot lands after it. A member's current ballot is one row
under a unique key; every cast and change is in the audit log. Closing is one conditional
UPDATE (`WHERE status = 'open'`), so whichever of the chair, the last ballot or the deadline
gets there first closes it, once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from bot.domain.calendar import STOCKHOLM, at_local, default_vote_deadline, into_business_hours
from bot.domain.decision import CONFLICT, VoteView, decision_record, split_ballots
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.project import ProjectView
from bot.domain.rules import Role, require_lead
from bot.domain.voting import (
    Choice,
    CloseReason,
    Electorate,
    can_close,
    check_can_vote,
    everyone_voted,
)
from bot.services import outbox_events as out
from bot.services.context import Actor, Services
from bot.services.projects import project_view
from bot.services.unit import enqueue, project_of_channel, record_change, row_id, transaction
from storage import projects
from storage import votes as store
from storage.models import Project, Vote

NON_VOTER_REMINDER_BEFORE = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class NotReady:
    project: ProjectView


@dataclass(frozen=True, slots=True)
class VoteOpened:
    vote: VoteView


@dataclass(frozen=True, slots=True)
class BallotCast:
    vote: VoteView
    choice: str
    changed: bool
    closed_now: bool


def _local(instant: datetime) -> str:
    return instant.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")


def view_of(services: Services, session: Session, vote: Vote, project: Project) -> VoteView:
    phase = services.phase(project.phase_key)
    documents = projects.documents_of(session=session, project_id=row_id(project))
    votes, conflicts = split_ballots(store.ballots(session=session, vote_id=row_id(vote)))
    return VoteView(
        vote_id=row_id(vote),
        team_id=project.team_id,
        project_name=project.name,
        project_channel=project.channel_id,
        lead_id=project.lead_id,
        milestone=phase.milestone,
        documents=tuple((d, documents.get(d.key)) for d in phase.milestone.documents),
        electorate=Electorate(
            members=frozenset(vote.members), chair=vote.chair_id, conflicts=conflicts
        ),
        ballots=votes,
        channel_id=vote.channel_id,
        message_ts=vote.message_ts,
        opened_by=vote.opened_by,
        opened_at=vote.opened_at,
        deadline=vote.deadline,
        is_open=vote.status == store.OPEN,
        closed_at=vote.closed_at,
        closed_by=vote.closed_by,
        close_reason=CloseReason(vote.close_reason) if vote.close_reason else None,
    )


def message_posted(services: Services, vote_id: int, ts: str) -> None:
    """The sender posted the vote message: later redraws edit it."""
    with services.db.session() as session:
        store.set_message(session=session, vote_id=vote_id, ts=ts)


def vote_view(services: Services, vote_id: int) -> VoteView | None:
    with services.db.reading() as session:
        found = store.vote_with_project(session=session, vote_id=vote_id)
        return None if found is None else view_of(services, session, *found)


def vote_target(vote: Vote) -> str:
    """What the audit log names a vote by."""
    return f"vote:{row_id(vote)}"


def _redraw(services: Services, session: Session, project: Project, vote: Vote) -> None:
    enqueue(
        session, services.clock(), out.vote_update(project.team_id, row_id(vote), vote.channel_id)
    )


def open_milestone(
    services: Services,
    actor: Actor,
    channel_id: str,
    deadline: tuple[date, time] | None = None,
) -> NotReady | VoteOpened:
    """`milstolpe [ÅÅÅÅ-MM-DD HH:MM]`: list what is missing, or open the vote."""
    now = services.clock()
    closes = at_local(*deadline) if deadline else default_vote_deadline(now, services.calendar)

    def work(session: Session) -> NotReady | VoteOpened:
        project = project_of_channel(session, actor, channel_id)
        require_lead(actor.user_id, project.lead_id)
        milestone = services.phase(project.phase_key).milestone
        existing = store.open_vote(
            session=session, project_id=row_id(project), milestone=milestone.key
        )
        if existing is not None:
            raise DomainError(
                ErrorCode.VOTE_ALREADY_OPEN,
                channel=existing.channel_id,
                deadline=_local(existing.deadline),
            )
        view = project_view(services, session, project)
        if not view.readiness.ready:
            return NotReady(view)
        if closes <= now:
            raise DomainError(ErrorCode.DEADLINE_IN_PAST, deadline=_local(closes))
        remind = into_business_hours(closes - NON_VOTER_REMINDER_BEFORE, services.calendar)
        vote = store.add_vote(
            session=session,
            vote=Vote(
                project_id=row_id(project),
                milestone=milestone.key,
                status=store.OPEN,
                channel_id=project.vote_channel_id or project.channel_id,
                members=list(view.members),
                chair_id=view.chair,
                opened_by=actor.user_id,
                opened_at=now,
                deadline=closes,
                remind_at=remind if remind > now else None,
            ),
        )
        opened = {
            "milestone": milestone.key,
            "deadline": closes.isoformat(),
            "members": vote.members,
        }
        record_change(
            services, session, actor, project, "vote.open", vote_target(vote), None, opened
        )
        enqueue(session, now, out.vote_message(project.team_id, row_id(vote), vote.channel_id))
        return VoteOpened(view_of(services, session, vote, project))

    # A second `milstolpe` racing this one hits the partial unique index and, retried, finds
    # the open vote: VOTE_ALREADY_OPEN.
    return transaction(services, work)


def _locate(
    session: Session, actor: Actor, vote_id: int | None, channel_id: str | None
) -> tuple[Vote, Project]:
    """The vote a button names, or the open vote of the channel's project (or held in it)."""
    if vote_id is not None:
        found = store.vote_with_project(session=session, vote_id=vote_id, lock=True)
        if found is None or found[1].team_id != actor.team_id:
            raise DomainError(ErrorCode.NO_OPEN_VOTE)
        return found
    assert channel_id is not None
    project = projects.project_in_channel(
        session=session, team_id=actor.team_id, channel_id=channel_id
    )
    vote = None
    if project is not None:
        vote = store.latest_vote(session=session, project_id=row_id(project))
        if vote is not None and vote.status != store.OPEN:
            vote = None
    if vote is None:
        vote = store.open_vote_in_channel(
            session=session, team_id=actor.team_id, channel_id=channel_id
        )
    if vote is None:
        raise DomainError(ErrorCode.NO_OPEN_VOTE)
    found = store.vote_with_project(session=session, vote_id=row_id(vote), lock=True)
    assert found is not None
    return found


def cast(services: Services, actor: Actor, vote_id: int, choice: Choice) -> BallotCast:
    """A member's ballot (Godkänn, Avslå, Avstår); a changed mind replaces the current one.

    A button has no reply of its own, so the voter's private receipt goes through the outbox.
    """
    return _ballot(services, actor, vote_id, None, choice.value, receipt=True)


def declare_conflict(
    services: Services, actor: Actor, *, vote_id: int | None = None, channel_id: str | None = None
) -> BallotCast:
    """Jäv: the member leaves this vote's electorate and its quorum count; recorded.

    From the command (by channel) the reply is the receipt; from the button, the outbox sends it.
    """
    return _ballot(services, actor, vote_id, channel_id, CONFLICT, receipt=vote_id is not None)


def _ballot(
    services: Services,
    actor: Actor,
    vote_id: int | None,
    channel_id: str | None,
    choice: str,
    *,
    receipt: bool,
) -> BallotCast:
    now = services.clock()

    def work(session: Session) -> BallotCast:
        vote, project = _locate(session, actor, vote_id, channel_id)
        stored = store.ballots(session=session, vote_id=row_id(vote))
        votes, conflicts = split_ballots(stored)
        electorate = Electorate(frozenset(vote.members), vote.chair_id, conflicts)
        if choice == CONFLICT and actor.user_id in conflicts:
            view = view_of(services, session, vote, project)
            return BallotCast(view, choice, changed=False, closed_now=False)
        check_can_vote(actor.user_id, electorate, vote.status == store.OPEN)
        before = stored.get(actor.user_id)
        if before == choice:
            view = view_of(services, session, vote, project)
            return BallotCast(view, choice, changed=False, closed_now=False)
        store.put_ballot(
            session=session, vote_id=row_id(vote), user_id=actor.user_id, choice=choice, now=now
        )
        action = "vote.conflict" if choice == CONFLICT else "vote.cast"
        change = record_change(
            services, session, actor, project, action, vote_target(vote), before, choice
        )
        _redraw(services, session, project, vote)
        if receipt:
            receipt_event = out.vote_receipt(
                project.team_id, row_id(vote), actor.user_id, change, choice
            )
            enqueue(session, now, receipt_event)
        closed_now = False
        votes, conflicts = split_ballots({**stored, actor.user_id: choice})
        if everyone_voted(votes, Electorate(electorate.members, electorate.chair, conflicts)):
            closed_now = close_once(services, session, vote, project, CloseReason.all_voted, None)
        view = view_of(services, session, vote, project)
        return BallotCast(view, choice, changed=True, closed_now=closed_now)

    return transaction(services, work)


def close_vote(
    services: Services, actor: Actor, *, vote_id: int | None = None, channel_id: str | None = None
) -> VoteView:
    """`stäng` or the button: the chair closes the vote (the projektledare if no acting chair)."""

    def work(session: Session) -> VoteView:
        vote, project = _locate(session, actor, vote_id, channel_id)
        view = view_of(services, session, vote, project)
        electorate = view.electorate
        if not can_close(
            actor.user_id,
            electorate.acting_chair,
            project.lead_id,
            conflicts=electorate.conflicts,
        ):
            raise DomainError(ErrorCode.NOT_ALLOWED, role=Role.CLOSER, lead=view.closer)
        if not view.is_open:
            raise DomainError(ErrorCode.VOTE_CLOSED, user=actor.user_id)
        close_once(services, session, vote, project, CloseReason.chair, actor.user_id)
        return view_of(services, session, vote, project)

    return transaction(services, work)


def close_once(
    services: Services,
    session: Session,
    vote: Vote,
    project: Project,
    reason: CloseReason,
    by: str | None,
) -> bool:
    """Close once, write the beslutsprotokoll, queue the final redraw. False if already closed."""
    now = services.clock()
    open_view = view_of(services, session, vote, project)
    closed = replace(open_view, is_open=False, closed_at=now, closed_by=by, close_reason=reason)
    record = decision_record(closed)
    values = {
        "closed_at": now,
        "closed_by": by,
        "close_reason": reason.value,
        "outcome": record["outcome"],
        "remind_at": None,
        "record": json.dumps(record, ensure_ascii=False, sort_keys=True),
    }
    if not store.close(session=session, vote_id=row_id(vote), values=values):
        return False
    for name, value in values.items():
        setattr(vote, name, value)
    vote.status = store.CLOSED
    closer = Actor(project.team_id, by) if by else Actor.bot(project.team_id)
    record_change(
        services,
        session,
        closer,
        project,
        "vote.close",
        vote_target(vote),
        "open",
        record["outcome"],
    )
    # Every stakeholder channel and the project's own hear the decision, once each: the key
    # is unique per vote and channel, and the sender checks the channel before posting.
    stakeholders = projects.stakeholders_of(session=session, project_id=row_id(project))
    enqueue(
        session,
        now,
        out.vote_update(project.team_id, row_id(vote), vote.channel_id, final=True),
        *(
            out.announcement(project.team_id, row_id(vote), channel)
            for channel in dict.fromkeys([*stakeholders, project.channel_id])
        ),
    )
    return True
