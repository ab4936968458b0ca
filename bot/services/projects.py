"""Use cases of a project as a whole: create it, show it."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.domain.activities import ActivityState, ActivityStatus, with_derived_parents
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.project import ProjectView
from bot.domain.schedule import DEFAULT_SCHEDULE, next_occurrence, parse_schedule
from bot.services import outbox_events as out
from bot.services.context import Actor, Services
from storage import audit, projects
from storage import outbox as queue
from storage import reminders as reminder_store
from storage import votes as vote_store
from storage.models import Project


def create_project(services: Services, actor: Actor, channel_id: str, name: str) -> ProjectView:
    """Bind a new project to the channel, from the template; the caller leads it."""
    phase = services.phase()
    now = services.clock()
    try:
        with services.db.session() as session:
            existing = projects.project_in_channel(
                session=session, team_id=actor.team_id, channel_id=channel_id
            )
            if existing is not None:
                raise _channel_taken(existing)
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
            audit.record(
                session=session,
                team_id=actor.team_id,
                project_id=project.id,
                actor_id=actor.user_id,
                action="project.create",
                target=channel_id,
                before=None,
                after={"name": name, "lead": actor.user_id, "phase": phase.key},
                now=now,
            )
            return project_view(services, session, project)
    except IntegrityError:
        # Two `nytt` in the same channel at once: the unique key let one through.
        with services.db.session() as session:
            existing = projects.project_in_channel(
                session=session, team_id=actor.team_id, channel_id=channel_id
            )
            if existing is None:
                raise
            raise _channel_taken(existing) from None


def project_status(services: Services, team_id: str, channel_id: str) -> ProjectView:
    with services.db.reading() as session:
        project = projects.project_in_channel(
            session=session, team_id=team_id, channel_id=channel_id
        )
        if project is None:
            raise DomainError(ErrorCode.NO_PROJECT)
        view = project_view(services, session, project)
        vote = vote_store.latest_closed(session=session, project_id=view.id)
        if vote is None or vote.id is None:
            return view
        failed = queue.failed_for(
            session=session,
            kind=out.OutboxKind.ANNOUNCEMENT,
            key_prefix=out.announcement_prefix(vote.id),
        )
        return replace(view, undelivered=tuple(e.target for e in failed))


def _channel_taken(project: Project) -> DomainError:
    return DomainError(ErrorCode.CHANNEL_HAS_PROJECT, name=project.name, lead=project.lead_id)


def project_view(services: Services, session: Session, project: Project) -> ProjectView:
    assert project.id is not None
    phase = services.phase(project.phase_key)
    rows = {a.key: a for a in projects.activities_of(session=session, project_id=project.id)}
    # An activity added to the template after the project was created shows as not started.
    states = [
        ActivityState(d, ActivityStatus(r.status), r.owner_id, r.due, r.note)
        if (r := rows.get(d.key))
        else ActivityState(d, ActivityStatus.NOT_STARTED)
        for d in phase.activities
    ]
    documents = projects.documents_of(session=session, project_id=project.id)
    return ProjectView(
        id=project.id,
        name=project.name,
        channel_id=project.channel_id,
        lead_id=project.lead_id,
        created_at=project.created_at,
        phase=phase,
        activities=with_derived_parents(phase, states),
        documents=tuple((d, documents.get(d.key)) for d in phase.milestone.documents),
        members=tuple(projects.members_of(session=session, project_id=project.id)),
        chair=project.chair_id,
        today=services.today(services.clock()),
    )
