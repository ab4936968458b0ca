"""Jäv and förhinder in a vote: declared, raised, ruled; and a ledamot who cannot take part.

Each runs in the vote's transaction (its row lock first, see votes), records the step in the
audit log, redraws the vote message (who serves for whom changes) and closes the vote if that
leaves everyone serving having voted with no jäv waiting.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.domain import jav as rules
from bot.domain.decision import VoteView, jav_record
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.jav import Jav, JavGround
from bot.domain.minutes import Minutes
from bot.domain.seats import Standing, may_raise, ruler
from bot.services import outbox_events as out
from bot.services.context import Actor, Services
from bot.services.unit import enqueue, record_change, row_id, transaction
from bot.services.vote_view import open_views, view_of
from bot.services.votes import after_change, locate, record_step_ins, vote_target
from storage import meeting, projects
from storage import votes as store
from storage.models import JavQuestion, Project, Vote

RULER = "ruler"  # the NOT_ALLOWED role of one who may not rule on this jäv
RAISER = "raiser"  # … of one who may not raise jäv about this member


@dataclass(frozen=True, slots=True)
class JavStep:
    """What a jäv step did: the jäv as it stands, the vote (None: held for the next vote)."""

    jav: Jav
    vote: VoteView | None
    changed: bool
    closed_now: bool = False
    ruler: str | None = None


def _row(jav: Jav, project: Project, vote: Vote | None) -> JavQuestion:
    return JavQuestion(
        project_id=row_id(project),
        vote_id=row_id(vote) if vote is not None else None,
        member=jav.member,
        ground=jav.ground.value if jav.ground else None,
        motivation=jav.motivation,
        raised_by=jav.raised_by,
        at=jav.at,
    )


def _open_vote_here(session: Session, actor: Actor, channel_id: str) -> tuple[Vote, Project] | None:
    try:
        return locate(session, actor, None, channel_id)
    except DomainError as error:
        if error.code is not ErrorCode.NO_OPEN_VOTE:
            raise
        return None


def declare(
    services: Services,
    actor: Actor,
    ground: JavGround | None,
    motivation: str,
    *,
    vote_id: int | None = None,
    channel_id: str | None = None,
) -> JavStep:
    """`jäv [grund] [motivering]`, or the dialog: the member's own jäv, at once. Without a vote
    open in the channel it holds for the project's next vote."""
    now = services.clock()
    jav = rules.declare(actor.user_id, ground, motivation, now)

    def work(session: Session) -> JavStep:
        found = locate(session, actor, vote_id, None) if vote_id is not None else None
        if found is None and channel_id is not None:
            found = _open_vote_here(session, actor, channel_id)
        if found is None:
            assert channel_id is not None
            project = meeting.project_for(
                session=session, team_id=actor.team_id, channel_id=channel_id
            )
            if project is None:
                raise DomainError(ErrorCode.NO_PROJECT)
            return _held(services, session, actor, project, jav)
        vote, project = found
        view = view_of(services, session, vote, project)
        if actor.user_id not in view.seating.group:
            raise DomainError(ErrorCode.NOT_A_MEMBER, user=actor.user_id)
        if not view.is_open:
            raise DomainError(ErrorCode.VOTE_CLOSED, user=actor.user_id)
        existing = meeting.question(session=session, vote_id=row_id(vote), member=actor.user_id)
        if existing is not None and meeting.as_jav(existing).javig:
            return JavStep(meeting.as_jav(existing), view, changed=False)
        before = jav_record(meeting.as_jav(existing)) if existing is not None else None
        serving_before = view.seating.substitutions
        if existing is not None:
            # A ruling of Inte jävig, or a raised jäv still waiting: stepping aside replaces it.
            session.delete(existing)
            session.flush()
        meeting.put_question(session=session, row=_row(jav, project, vote))
        target, after = vote_target(vote), jav_record(jav)
        action = "vote.jav.declare"
        change = record_change(services, session, actor, project, action, target, before, after)
        if vote_id is not None:
            # From the dialog there is no reply to carry the receipt: the outbox sends it.
            receipt = out.jav_receipt(project.team_id, row_id(vote), actor.user_id, change)
            enqueue(session, now, receipt)
        record_step_ins(services, session, actor, project, vote, serving_before)
        closed_now = after_change(services, session, vote, project)
        return JavStep(jav, view_of(services, session, vote, project), True, closed_now)

    return transaction(services, work)


def _held(
    services: Services, session: Session, actor: Actor, project: Project, jav: Jav
) -> JavStep:
    """A declaration with no vote open: it waits for the project's next vote."""
    group = {*projects.members_of(session=session, project_id=row_id(project))}
    if actor.user_id not in group | set(project.substitutes or ()):
        raise DomainError(ErrorCode.NOT_A_MEMBER, user=actor.user_id)
    held = meeting.held_for_next(session=session, project_id=row_id(project))
    if any(q.member == actor.user_id for q in held):
        return JavStep(jav, None, changed=False)
    meeting.put_question(session=session, row=_row(jav, project, None))
    after = jav_record(jav)
    record_change(services, session, actor, project, "vote.jav.declare", "vote:next", None, after)
    return JavStep(jav, None, changed=True)


def raise_about(
    services: Services,
    actor: Actor,
    channel_id: str,
    member: str,
    ground: JavGround,
    motivation: str,
) -> JavStep:
    """`jäv @x <grund> <motivering>`: the member's vote is suspended until the one who rules
    (the acting chair, else the projektledare) has ruled; they get the buttons in a DM."""
    now = services.clock()

    def work(session: Session) -> JavStep:
        vote, project = locate(session, actor, None, channel_id)
        view = view_of(services, session, vote, project)
        if not view.is_open:
            raise DomainError(ErrorCode.VOTE_CLOSED, user=actor.user_id)
        if member not in view.seating.group:
            raise DomainError(ErrorCode.NOT_A_MEMBER_OTHER, user=member)
        if member in view.seating.javs:
            raise DomainError(ErrorCode.JAV_ALREADY, user=member)
        if not may_raise(actor.user_id, member, view.seating, project.lead_id):
            raise DomainError(ErrorCode.NOT_ALLOWED, role=RAISER, lead=project.lead_id)
        jav = rules.raise_jav(member, ground, motivation, actor.user_id, now)
        row = meeting.put_question(session=session, row=_row(jav, project, vote))
        record_change(
            services,
            session,
            actor,
            project,
            "vote.jav.raise",
            vote_target(vote),
            None,
            jav_record(jav),
        )
        after_change(services, session, vote, project)
        view = view_of(services, session, vote, project)
        who = ruler(jav, view.seating, project.lead_id)
        if who is not None:
            assert row.id is not None
            enqueue(session, now, out.jav_ruling(project.team_id, row.id, who))
        return JavStep(jav, view, changed=True, ruler=who)

    return transaction(services, work)


def rule_on(services: Services, actor: Actor, question_id: int, *, javig: bool) -> JavStep:
    """*Jävig* / *Inte jävig*: only the one `seats.ruler` names rules, once."""
    now = services.clock()

    def work(session: Session) -> JavStep:
        row = session.get(JavQuestion, question_id)
        if row is None or row.vote_id is None:
            raise DomainError(ErrorCode.NO_OPEN_VOTE)
        vote, project = locate(session, actor, row.vote_id, None)
        view = view_of(services, session, vote, project)
        jav = meeting.as_jav(row)
        if not jav.pending:
            return JavStep(jav, view, changed=False)
        who = ruler(jav, view.seating, project.lead_id)
        if actor.user_id != who:
            raise DomainError(ErrorCode.NOT_ALLOWED, role=RULER, lead=who or project.lead_id)
        if not view.is_open:
            raise DomainError(ErrorCode.VOTE_CLOSED, user=actor.user_id)
        if not meeting.rule(session=session, question_id=question_id, javig=javig, by=who, at=now):
            return JavStep(jav, view, changed=False)
        session.expire(row)  # the UPDATE went around the loaded row
        ruled = rules.rule(jav, javig=javig, by=who, at=now)
        record_change(
            services,
            session,
            actor,
            project,
            "vote.jav.rule",
            vote_target(vote),
            jav_record(jav),
            jav_record(ruled),
        )
        record_step_ins(services, session, actor, project, vote, view.seating.substitutions)
        closed_now = after_change(services, session, vote, project)
        return JavStep(ruled, view_of(services, session, vote, project), True, closed_now)

    return transaction(services, work)


def report_absence(
    services: Services, actor: Actor, *, vote_id: int | None = None, channel_id: str | None = None
) -> VoteView:
    """`förhinder` or the button: one of the group who has not voted cannot take part; the next
    ersättare steps in."""
    now = services.clock()

    def work(session: Session) -> VoteView:
        vote, project = locate(session, actor, vote_id, channel_id)
        view = view_of(services, session, vote, project)
        standing = view.seating.standing(actor.user_id)
        if standing is Standing.outside:
            raise DomainError(ErrorCode.NOT_A_MEMBER, user=actor.user_id)
        if not view.is_open:
            raise DomainError(ErrorCode.VOTE_CLOSED, user=actor.user_id)
        if standing is Standing.absent:
            return view
        if actor.user_id in view.ballots:
            raise DomainError(ErrorCode.ALREADY_VOTED, user=actor.user_id)
        before = view.seating.substitutions
        meeting.add_absence(session=session, vote_id=row_id(vote), member=actor.user_id, at=now)
        record_change(
            services,
            session,
            actor,
            project,
            "vote.forhinder",
            vote_target(vote),
            None,
            actor.user_id,
        )
        record_step_ins(services, session, actor, project, vote, before)
        after_change(services, session, vote, project)
        return view_of(services, session, vote, project)

    return transaction(services, work)


def pending_question(services: Services, question_id: int) -> tuple[VoteView, Jav] | None:
    """The vote and the raised jäv `question_id`, while it still waits for a ruling."""
    with services.db.reading() as session:
        row = session.get(JavQuestion, question_id)
        if row is None or row.vote_id is None:
            return None
        found = store.vote_with_project(session=session, vote_id=row.vote_id)
        if found is None:
            return None
        view = view_of(services, session, *found)
        raised = meeting.as_jav(row)
        return (view, raised) if raised.pending and view.is_open else None


@dataclass(frozen=True, slots=True)
class Waiting:
    """What waits for one person, for the Home tab: votes to cast, jäv to rule on, records to
    justera (`bot.services.justering.to_justera` fills those in)."""

    to_cast: tuple[VoteView, ...] = ()
    to_rule: tuple[tuple[VoteView, Jav, int], ...] = ()  # the vote, the jäv, its question id
    to_justera: tuple[Minutes, ...] = ()


def waiting_for(services: Services, team_id: str, user_id: str) -> Waiting:
    to_cast: list[VoteView] = []
    to_rule: list[tuple[VoteView, Jav, int]] = []
    with services.db.driver_reading() as cursor:
        views = open_views(services, cursor, team_id)
    for view, project, questions in views:
        if view.seating.standing(user_id) is Standing.serving and user_id not in view.ballots:
            to_cast.append(view)
        for question_id, raised in questions:
            if raised.pending and ruler(raised, view.seating, project.lead_id) == user_id:
                to_rule.append((view, raised, question_id))
    return Waiting(tuple(to_cast), tuple(to_rule))
