"""Milstolpe VII: the readiness check, the vote on seats, the close that writes the record
(jäv and förhinder are `bot.services.jav`'s; the record's justering `bot.services.justering`'s).

Every change to a vote takes the vote's row lock first (on SQLite the writer lock), so ballots,
jäv and closing are serialised; a current ballot is one row under a unique key; closing is one
conditional UPDATE (`WHERE status = 'open'`), so whoever gets there first closes it, once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, time, timedelta

from sqlmodel import Session

from bot.domain.calendar import at_local, default_vote_deadline, into_business_hours, local_minute
from bot.domain.count import Referral, everyone_serving_voted
from bot.domain.decision import VoteView, decision_record, split_ballots
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.project import ProjectView
from bot.domain.rules import Role, require_lead
from bot.domain.seats import check_standing, may_close
from bot.domain.voting import Choice, CloseReason
from bot.services import outbox_events as out
from bot.services.context import Actor, Services
from bot.services.projects import project_view
from bot.services.record import begin as begin_justering
from bot.services.unit import (
    NeedsSession,
    driver_transaction,
    enqueue,
    project_of_channel,
    record_change,
    row_id,
    transaction,
)
from bot.services.vote_view import view_of
from storage import meeting, projects
from storage import votes as store
from storage.driver import Tx
from storage.models import Project, Vote
from storage.project_rows import ProjectHead
from storage.votes import VoteRow

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


def message_posted(services: Services, vote_id: int, ts: str) -> None:
    """The sender posted the vote message: later redraws edit it."""
    with services.db.session() as session:
        store.set_message(session=session, vote_id=vote_id, ts=ts)


def vote_view(services: Services, vote_id: int) -> VoteView | None:
    with services.db.reading() as session:
        found = store.vote_row_with_head(session=session, vote_id=vote_id)
        return None if found is None else view_of(services, session, *found)


def vote_target(vote: Vote | VoteRow) -> str:
    """What the audit log names a vote by."""
    return f"vote:{row_id(vote)}"


def _redraw(
    services: Services,
    session: Tx,
    project: Project | ProjectHead,
    vote: Vote | VoteRow,
    also: Sequence[out.Outgoing] = (),
) -> None:
    """Queue the vote message's redraw, and `also` in the same statement (a click's receipt)."""
    redraw = out.vote_update(project.team_id, row_id(vote), vote.channel_id)
    enqueue(session, services.clock(), *also, redraw)


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
                deadline=local_minute(existing.deadline),
            )
        view = project_view(services, session, project)
        if not view.readiness.ready:
            return NotReady(view)
        if closes <= now:
            raise DomainError(ErrorCode.DEADLINE_IN_PAST, deadline=local_minute(closes))
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
                substitutes=list(project.substitutes or ()),
                coopted=list(project.coopted or ()),
                presenter_id=project.presenter_id,
                proposal=project.proposal or milestone.proposal.sv,
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
            "substitutes": vote.substitutes,
            "proposal": vote.proposal,
        }
        # A jäv declared while no vote was open holds for this one.
        for held in meeting.held_for_next(session=session, project_id=row_id(project)):
            held.vote_id = row_id(vote)
        session.flush()
        record_step_ins(services, session, actor, project, vote, ())
        record_change(
            services, session, actor, project, "vote.open", vote_target(vote), None, opened
        )
        enqueue(session, now, out.vote_message(project.team_id, row_id(vote), vote.channel_id))
        return VoteOpened(view_of(services, session, vote, project))

    # A second `milstolpe` racing this one hits the partial unique index and, retried, finds
    # the open vote: VOTE_ALREADY_OPEN.
    return transaction(services, work)


def locate(
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
    """A ballot (Godkänn, Avslå, Avstår) by one serving in a seat; a changed mind replaces it.

    A button has no reply of its own, so the voter's private receipt goes through the outbox.
    """
    now = services.clock()

    def work(session: Tx) -> BallotCast:
        # The rows on the driver, under the vote's lock: a click is the commonest write there is.
        found = store.vote_row_with_head(session=session, vote_id=vote_id, lock=True)
        if found is None or found[1].team_id != actor.team_id:
            raise DomainError(ErrorCode.NO_OPEN_VOTE)
        vote, project = found
        stored = store.ballots(session=session, vote_id=row_id(vote))
        view = view_of(services, session, vote, project, stored)
        check_standing(actor.user_id, view.seating.standing(actor.user_id))
        if not view.is_open:
            raise DomainError(ErrorCode.VOTE_CLOSED, user=actor.user_id)
        before = stored.get(actor.user_id)
        if before == choice.value:
            return BallotCast(view, choice.value, changed=False, closed_now=False)
        store.put_ballot(
            session=session, vote_id=row_id(vote), user_id=actor.user_id, choice=choice, now=now
        )
        record_change(
            services, session, actor, project, "vote.cast", vote_target(vote), before, choice.value
        )
        receipt = out.ballot_receipt(project.team_id, row_id(vote), actor.user_id, choice)
        # The rest is as read under the vote's lock: only this ballot changed.
        view = replace(view, ballots=split_ballots({**stored, actor.user_id: choice.value}))
        closed_now = after_change(services, session, vote, project, view, also=(receipt,))
        if closed_now:  # the rows read above are of the open vote: the closed one, as it is
            assert isinstance(session, Session)  # after_change closes in a session only
            closed = store.vote_with_project(session=session, vote_id=vote_id)
            assert closed is not None
            view = view_of(services, session, *closed)
        return BallotCast(view, choice.value, changed=True, closed_now=closed_now)

    return driver_transaction(services, work)


def record_step_ins(
    services: Services,
    session: Session,
    actor: Actor,
    project: Project,
    vote: Vote,
    before: tuple[tuple[str, str], ...],
) -> None:
    """Every ersättare who stepped in since `before` (who served for whom), in the audit log."""
    after = view_of(services, session, vote, project).seating.substitutions
    for substitute, ledamot in after:
        if (substitute, ledamot) not in before:
            step = {"substitute": substitute, "for": ledamot}
            record_change(
                services, session, actor, project, "vote.step_in", vote_target(vote), None, step
            )


def after_change(
    services: Services,
    session: Tx,
    vote: Vote | VoteRow,
    project: Project | ProjectHead,
    view: VoteView | None = None,
    also: Sequence[out.Outgoing] = (),
) -> bool:
    """Redraw the vote message (queued with `also`); close the vote if everyone serving (in
    `view`, when the caller has the vote as changed) has voted and no jäv waits for a ruling.
    True if this closed it."""
    _redraw(services, session, project, vote, also)
    if view is None:
        view = view_of(services, session, vote, project)
    if not (view.is_open and everyone_serving_voted(view.ballots, view.seating)):
        return False
    if not isinstance(session, Session):  # begun on the driver alone (driver_transaction)
        raise NeedsSession
    if isinstance(vote, VoteRow) or isinstance(project, ProjectHead):
        # Closing writes the record through the ORM's objects (the lock is held already).
        found = store.vote_with_project(session=session, vote_id=row_id(vote))
        assert found is not None
        vote, project = found
    return close_once(services, session, vote, project, CloseReason.all_voted, None)


def close_vote(
    services: Services, actor: Actor, *, vote_id: int | None = None, channel_id: str | None = None
) -> VoteView:
    """`stäng` or the button: the acting chair closes the vote (the projektledare when the chair
    cannot act); never while a jäv waits for a ruling."""

    def work(session: Session) -> VoteView:
        vote, project, view = _closable(services, session, actor, vote_id, channel_id)
        if view.seating.waiting:
            raise DomainError(ErrorCode.JAV_WAITING, members=",".join(view.seating.waiting))
        close_once(services, session, vote, project, CloseReason.chair, actor.user_id)
        return view_of(services, session, vote, project)

    return transaction(services, work)


def _closable(
    services: Services, session: Session, actor: Actor, vote_id: int | None, channel_id: str | None
) -> tuple[Vote, Project, VoteView]:
    """The open vote `actor` may close (or refer back), or the refusal."""
    vote, project = locate(session, actor, vote_id, channel_id)
    view = view_of(services, session, vote, project)
    if not may_close(actor.user_id, view.seating, project.lead_id):
        raise DomainError(ErrorCode.NOT_ALLOWED, role=Role.CLOSER, lead=view.closer)
    if not view.is_open:
        raise DomainError(ErrorCode.VOTE_CLOSED, user=actor.user_id)
    return vote, project, view


def refer_back(
    services: Services,
    actor: Actor,
    motivation: str,
    *,
    vote_id: int | None = None,
    channel_id: str | None = None,
) -> VoteView:
    """Återremiss: the one who may close ends the vote without a decision, with a motivation;
    a new vote can be opened after it."""
    motivation = motivation.strip()
    now = services.clock()

    def work(session: Session) -> VoteView:
        vote, project, _ = _closable(services, session, actor, vote_id, channel_id)
        if not motivation:
            raise DomainError(ErrorCode.REASON_REQUIRED, usage="refer_back")
        referral = Referral(actor.user_id, motivation, now)
        close_once(
            services, session, vote, project, CloseReason.referred_back, actor.user_id, referral
        )
        return view_of(services, session, vote, project)

    return transaction(services, work)


def close_once(
    services: Services,
    session: Session,
    vote: Vote,
    project: Project,
    reason: CloseReason,
    by: str | None,
    referral: Referral | None = None,
) -> bool:
    """Close once, write the beslutsprotokoll, queue the final redraw. False if already closed."""
    now = services.clock()
    open_view = view_of(services, session, vote, project)
    closed = replace(
        open_view,
        is_open=False,
        closed_at=now,
        closed_by=by,
        close_reason=reason,
        referral=referral,
    )
    record = decision_record(closed)
    values = {
        "closed_at": now,
        "closed_by": by,
        "close_reason": reason.value,
        "outcome": record["outcome"],
        "remind_at": None,
        "record": json.dumps(record, ensure_ascii=False, sort_keys=True),
        "referral": record["referral"],
    }
    if not store.close(session=session, vote_id=row_id(vote), values=values):
        return False
    for name, value in values.items():
        setattr(vote, name, value)
    vote.status = store.CLOSED
    closer = Actor(project.team_id, by) if by else Actor.bot(project.team_id)
    action = "vote.refer_back" if referral else "vote.close"
    after = record["referral"] if referral else record["outcome"]
    record_change(services, session, closer, project, action, vote_target(vote), "open", after)
    begin_justering(services, session, project, vote, now)
    # Every stakeholder channel and the project's own hear it once (a key per vote and channel).
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
