"""Use cases of a project as a whole: create it, its settings (the lead's), show it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.domain.activities import ActivityState, ActivityStatus, with_derived_parents
from bot.domain.changes import Change, ChangeKind
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.project import ProjectView
from bot.domain.proposal import normalize_proposal
from bot.domain.rules import check_chair, require_lead
from bot.domain.schedule import DEFAULT_SCHEDULE, next_occurrence, parse_schedule
from bot.services import outbox_events as out
from bot.services.context import Actor, Services
from bot.services.directory import Directory, check_channel_count, require_member_of
from bot.services.unit import project_of_channel, record_change, row_id, transaction, writing
from storage import outbox as queue
from storage import projects
from storage import reminders as reminder_store
from storage import votes as vote_store
from storage.models import Project


def create_project(services: Services, actor: Actor, channel_id: str, name: str) -> ProjectView:
    """Bind a new project to the channel, from the template; the caller leads it."""
    phase = services.phase()
    now = services.clock()
    try:
        with writing(services) as session:
            existing = projects.project_in_channel(
                session=session, team_id=actor.team_id, channel_id=channel_id
            )
            if existing is not None:
                raise _channel_taken(existing)
            namesake = projects.project_named(session=session, team_id=actor.team_id, name=name)
            if namesake is not None:
                raise _name_taken(namesake)
            project = projects.add_project(
                session=session,
                team_id=actor.team_id,
                channel_id=channel_id,
                name=name,
                phase_key=phase.key,
                lead_id=actor.user_id,
                activity_keys=[a.key for a in phase.activities],
                initial_status=ActivityStatus.NOT_STARTED,
                now=now,
            )
            default = parse_schedule(DEFAULT_SCHEDULE)
            assert project.id is not None
            reminder_store.add_schedule(
                session=session,
                project_id=project.id,
                spec=default.spec,
                next_run_at=next_occurrence(default, now, services.calendar),
                now=now,
            )
            created = {"name": name, "lead": actor.user_id, "phase": phase.key}
            record_change(
                services, session, actor, project, "project.create", channel_id, None, created
            )
            return project_view(services, session, project)
    except IntegrityError:
        # Two `nytt` at once in one channel or with one name: the unique keys let one through.
        with services.db.session() as session:
            existing = projects.project_in_channel(
                session=session, team_id=actor.team_id, channel_id=channel_id
            )
            if existing is not None:
                raise _channel_taken(existing) from None
            namesake = projects.project_named(session=session, team_id=actor.team_id, name=name)
            if namesake is not None:
                raise _name_taken(namesake) from None
            raise


# A steering group this size still fits one vote message and one announcement in full.
MAX_MEMBERS = 50


def set_steering(
    services: Services, actor: Actor, channel_id: str, members: Sequence[str]
) -> Change:
    if len(members) > MAX_MEMBERS:
        raise DomainError(
            ErrorCode.STEERING_TOO_LARGE, limit=str(MAX_MEMBERS), count=str(len(members))
        )

    def clear_removed_chair(project: Project, after: tuple[str, ...]) -> bool:
        # A chair who is no longer a member cannot lead the vote; saying so beats a silent gap.
        if project.chair_id is None or project.chair_id in after:
            return False
        project.chair_id = None
        return True

    return _replace_list(
        services,
        actor,
        channel_id,
        members,
        ChangeKind.STEERING,
        "steering.members",
        read=projects.members_of,
        write=projects.replace_members,
        also=clear_removed_chair,
    )


def set_chair(services: Services, actor: Actor, channel_id: str, chair_id: str) -> Change:
    def check(session: Session, project: Project) -> None:
        check_chair(chair_id, projects.members_of(session=session, project_id=row_id(project)))

    return _set_project_field(
        services, actor, channel_id, "chair_id", chair_id, ChangeKind.CHAIR, "steering.chair", check
    )


def set_vote_channel(
    services: Services,
    actor: Actor,
    channel_id: str,
    vote_channel_id: str,
    directory: Directory,
) -> Change:
    _require_lead_member_of(services, actor, channel_id, directory, [vote_channel_id])
    return _set_project_field(
        services,
        actor,
        channel_id,
        "vote_channel_id",
        vote_channel_id,
        ChangeKind.VOTE_CHANNEL,
        "project.vote_channel",
    )


def _set_project_field(
    services: Services,
    actor: Actor,
    channel_id: str,
    field: str,
    value: str,
    kind: ChangeKind,
    action: str,
    check: Callable[[Session, Project], None] | None = None,
    then: Callable[[Session, Project, Change], Change] | None = None,
) -> Change:
    """Set one of the project's own settings (the lead's call), audited, once. `then`: what
    follows from a change in the same transaction, and the change as the lead is told it."""

    def work(session: Session) -> Change:
        project = project_of_channel(session, actor, channel_id)
        require_lead(actor.user_id, project.lead_id)
        if check is not None:
            check(session, project)
        before = getattr(project, field)
        if before == value:
            return Change(kind, project.name, False, value, before)
        setattr(project, field, value)
        session.flush()
        record_change(services, session, actor, project, action, project.channel_id, before, value)
        change = Change(kind, project.name, True, value, before)
        return change if then is None else then(session, project, change)

    return transaction(services, work)


def set_channels(
    services: Services,
    actor: Actor,
    channel_id: str,
    channel_ids: Sequence[str],
    directory: Directory,
) -> Change:
    check_channel_count(channel_ids)
    _require_lead_member_of(services, actor, channel_id, directory, channel_ids)
    return _replace_list(
        services,
        actor,
        channel_id,
        channel_ids,
        ChangeKind.CHANNELS,
        "project.channels",
        read=projects.stakeholders_of,
        write=projects.replace_stakeholders,
    )


def _require_lead_member_of(
    services: Services,
    actor: Actor,
    channel_id: str,
    directory: Directory,
    channel_ids: Sequence[str],
) -> None:
    """The lead names only channels they are in. Asked of the platform outside the transaction
    (a network call must not hold the database); the write re-checks the lead."""
    with services.db.reading() as session:
        require_lead(actor.user_id, project_of_channel(session, actor, channel_id).lead_id)
    require_member_of(directory, actor.team_id, actor.user_id, channel_ids)


def _replace_list(
    services: Services,
    actor: Actor,
    channel_id: str,
    items: Sequence[str],
    kind: ChangeKind,
    action: str,
    *,
    read: Callable[..., list[str]],
    write: Callable[..., None],
    also: Callable[[Project, tuple[str, ...]], bool] | None = None,
) -> Change:
    """Replace one of the project's ordered lists (members, stakeholder channels) as a whole."""

    def work(session: Session) -> Change:
        project = project_of_channel(session, actor, channel_id)
        require_lead(actor.user_id, project.lead_id)
        before = tuple(read(session=session, project_id=row_id(project)))
        after = tuple(items)
        if before == after:
            return Change(kind, project.name, False, after, before)
        write(session=session, project_id=row_id(project), ids=after)
        chair_cleared = also(project, after) if also else False
        session.flush()
        record_change(
            services, session, actor, project, action, project.channel_id, list(before), list(after)
        )
        return Change(kind, project.name, True, after, before, chair_cleared=chair_cleared)

    return transaction(services, work)


def project_status(services: Services, team_id: str, channel_id: str) -> ProjectView:
    # On the driver alone (storage.driver): a status is the commonest request there is.
    with services.db.driver_reading() as cursor:
        found = projects.project_rows_in_channel(
            cursor=cursor, team_id=team_id, channel_id=channel_id
        )
    if found is None:
        raise DomainError(ErrorCode.NO_PROJECT)
    rows, vote_id = found
    view = view_of(services, rows)
    if vote_id is None:
        return view
    with services.db.reading() as session:
        failed = queue.failed_for(
            session=session,
            kind=out.OutboxKind.ANNOUNCEMENT,
            key_prefix=out.announcement_prefix(vote_id),
        )
    return replace(view, undelivered=tuple(e.target for e in failed))


def _channel_taken(project: Project) -> DomainError:
    return DomainError(ErrorCode.CHANNEL_HAS_PROJECT, name=project.name, lead=project.lead_id)


def _name_taken(project: Project) -> DomainError:
    return DomainError(ErrorCode.NAME_TAKEN, name=project.name, channel=project.channel_id)


def channel_of(services: Services, team_id: str, project_id: int) -> str | None:
    """The channel a project of `team_id` is bound to (for a reply to one of its reminders)."""
    with services.db.reading() as session:
        found = projects.projects_by_id(session=session, ids=[project_id]).get(project_id)
        return found.channel_id if found is not None and found.team_id == team_id else None


def project_view(services: Services, session: Session, project: Project) -> ProjectView:
    """The view of a project this unit of work holds (its changes so far flushed first: the
    rows are read on the driver, beside the ORM)."""
    session.flush()
    return view_of(services, projects.project_rows(session=session, project_id=row_id(project)))


def view_of(services: Services, rows: projects.ProjectRows) -> ProjectView:
    head = rows.head
    phase = services.phase(head.phase_key)
    found = {a.key: a for a in rows.activities}
    # An activity added to the template after the project was created shows as not started.
    states = [
        ActivityState(d, ActivityStatus(r.status), r.owner_id, r.due, r.note)
        if (r := found.get(d.key))
        else ActivityState(d, ActivityStatus.NOT_STARTED)
        for d in phase.activities
    ]
    return ProjectView(
        id=head.id,
        name=head.name,
        channel_id=head.channel_id,
        lead_id=head.lead_id,
        created_at=head.created_at,
        phase=phase,
        activities=with_derived_parents(phase, states),
        documents=tuple((d, rows.documents.get(d.key)) for d in phase.milestone.documents),
        members=tuple(rows.members),
        chair=head.chair_id,
        today=services.today(services.clock()),
        adjuster=head.adjuster_id,
    )


# The meeting's people and the proposal (the second round): ersättare, adjungerade, the
# föredragande and the förslag till beslut, each fixed into a vote when it opens.


def set_substitutes(
    services: Services, actor: Actor, channel_id: str, user_ids: Sequence[str]
) -> Change:
    """`ersättare @a @b …`: in turn order; a ledamot listed is never called in for another."""
    return _set_people(services, actor, channel_id, "substitutes", user_ids, ChangeKind.SUBSTITUTES)


def set_coopted(
    services: Services, actor: Actor, channel_id: str, user_ids: Sequence[str]
) -> Change:
    """`adjungerade @a …`: take part without a vote."""
    return _set_people(services, actor, channel_id, "coopted", user_ids, ChangeKind.COOPTED)


def set_presenter(services: Services, actor: Actor, channel_id: str, user_id: str) -> Change:
    return _set_project_field(
        services,
        actor,
        channel_id,
        "presenter_id",
        user_id,
        ChangeKind.PRESENTER,
        "steering.presenter",
    )


def set_proposal(services: Services, actor: Actor, channel_id: str, text: str) -> Change:
    """`förslag <text>`: what follows "Styrgruppen beslutar att"; only before the vote opens."""
    proposal = normalize_proposal(text)
    if not proposal:
        raise DomainError(ErrorCode.MISSING_ARGUMENT, argument="text", usage="proposal")

    def check(session: Session, project: Project) -> None:
        milestone = services.phase(project.phase_key).milestone
        if vote_store.open_vote(
            session=session, project_id=row_id(project), milestone=milestone.key
        ):
            raise DomainError(ErrorCode.PROPOSAL_FIXED)

    return _set_project_field(
        services,
        actor,
        channel_id,
        "proposal",
        proposal,
        ChangeKind.PROPOSAL,
        "steering.proposal",
        check,
    )


def _set_people(
    services: Services,
    actor: Actor,
    channel_id: str,
    field: str,
    user_ids: Sequence[str],
    kind: ChangeKind,
) -> Change:
    def work(session: Session) -> Change:
        project = project_of_channel(session, actor, channel_id)
        require_lead(actor.user_id, project.lead_id)
        before = tuple(getattr(project, field) or ())
        after = tuple(user_ids)
        if before == after:
            return Change(kind, project.name, False, after, before)
        setattr(project, field, list(after))
        session.flush()
        action = f"steering.{field}"
        record_change(
            services, session, actor, project, action, project.channel_id, list(before), list(after)
        )
        return Change(kind, project.name, True, after, before)

    return transaction(services, work)


set_project_field = _set_project_field  # for the record's settings (bot.services.justering)
