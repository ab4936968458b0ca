"""Use cases of the work itself: activities' owners, due dates and status, the linked documents.

Each runs in one transaction: load, apply the domain rules, write with a compare-and-set, record
the audit entry, queue what must be sent. A request that asks for what already is changes
nothing and records nothing, so a double click or a retried request is harmless.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import Session

from bot.domain.activities import FINISHED, ActivityStatus
from bot.domain.changes import Change, ChangeKind
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.naming import resolve, resolve_key
from bot.domain.phase import Phase
from bot.domain.project import MyActivity
from bot.domain.reminders import escalation_at
from bot.domain.rules import check_status_change, require_lead, require_owner_or_lead
from bot.services import outbox_events as out
from bot.services.context import Actor, Services
from bot.services.unit import (
    Raced,
    driver_transaction,
    enqueue,
    project_of_channel,
    record_change,
    row_id,
    transaction,
)
from storage import project_rows, projects
from storage.driver import Tx
from storage.models import Activity, Document, Project


def _activity(session: Session, phase: Phase, project: Project, ref: str) -> Activity:
    definition = resolve(ref, phase.activities)
    row = projects.activity(session=session, project_id=row_id(project), key=definition.key)
    if row is None:  # added to the template after this project was created
        raise DomainError(ErrorCode.UNKNOWN_ACTIVITY, value=ref, suggestions="")
    return row


def _refresh_home(
    services: Services, session: Tx, team_id: str, user_ids: Sequence[str | None]
) -> None:
    """The Home tab shows each owner's activities; whoever a change touched gets a fresh one."""
    refreshes = (out.home_refresh(team_id, u) for u in dict.fromkeys(u for u in user_ids if u))
    enqueue(session, services.clock(), *refreshes)


def set_owner(services: Services, actor: Actor, channel_id: str, ref: str, owner_id: str) -> Change:
    def work(session: Session) -> Change:
        project = project_of_channel(session, actor, channel_id)
        require_lead(actor.user_id, project.lead_id)
        phase = services.phase(project.phase_key)
        row = _activity(session, phase, project, ref)
        definition = phase.activity(row.key)
        before = row.owner_id
        if before == owner_id:
            return Change(ChangeKind.OWNER, project.name, False, owner_id, before, definition)
        if not projects.compare_and_set(
            session=session,
            activity=row,
            values={"owner_id": owner_id, "updated_at": services.clock()},
        ):
            raise Raced
        change = record_change(
            services, session, actor, project, "activity.owner", row.key, before, owner_id
        )
        assigned = out.OwnerAssigned(
            project=project.name,
            channel=project.channel_id,
            phase=project.phase_key,
            activity=row.key,
            due=row.due.isoformat() if row.due else None,
            by=actor.user_id,
        )
        enqueue(
            session,
            services.clock(),
            out.owner_assigned(actor.team_id, owner_id, row_id(row), change, assigned),
        )
        _refresh_home(services, session, actor.team_id, [before, owner_id])
        return Change(ChangeKind.OWNER, project.name, True, owner_id, before, definition)

    return transaction(services, work)


def set_due(services: Services, actor: Actor, channel_id: str, ref: str, due: date) -> Change:
    def work(session: Session) -> Change:
        project = project_of_channel(session, actor, channel_id)
        require_lead(actor.user_id, project.lead_id)
        phase = services.phase(project.phase_key)
        row = _activity(session, phase, project, ref)
        definition = phase.activity(row.key)
        before = row.due.isoformat() if row.due else None
        if row.due == due:
            return Change(ChangeKind.DUE, project.name, False, due.isoformat(), before, definition)
        values = {
            "due": due,
            "escalate_at": _escalation(services, due, row.escalated_due, row.status),
            "updated_at": services.clock(),
        }
        if not projects.compare_and_set(session=session, activity=row, values=values):
            raise Raced
        record_change(
            services, session, actor, project, "activity.due", row.key, before, due.isoformat()
        )
        _refresh_home(services, session, actor.team_id, [row.owner_id])
        return Change(ChangeKind.DUE, project.name, True, due.isoformat(), before, definition)

    return transaction(services, work)


def set_status(
    services: Services,
    actor: Actor,
    channel_id: str,
    ref: str,
    target: ActivityStatus,
    note: str | None = None,
) -> Change:
    """From the slash command: the activity named in the channel's project."""

    def work(session: Tx) -> Change:
        found = project_rows.activities_in_channel(
            session=session, team_id=actor.team_id, channel_id=channel_id
        )
        if found is None:
            raise DomainError(ErrorCode.NO_PROJECT)
        definition = resolve(ref, services.phase(found.head.phase_key).activities)
        row = found.record(definition.key)
        if row is None:  # added to the template after this project was created
            raise DomainError(ErrorCode.UNKNOWN_ACTIVITY, value=ref, suggestions="")
        return _change_status(services, session, actor, found, row, target, note)

    return driver_transaction(services, work)


def set_status_by_id(
    services: Services,
    actor: Actor,
    activity_id: int,
    target: ActivityStatus,
    note: str | None = None,
) -> Change:
    """From a button: the activity the button was rendered for, in whatever project."""

    def work(session: Tx) -> Change:
        found = project_rows.activities_of_activity(session=session, activity_id=activity_id)
        row = None if found is None else found.record_by_id(activity_id)
        if found is None or row is None or found.head.team_id != actor.team_id:
            raise DomainError(ErrorCode.NO_PROJECT)
        return _change_status(services, session, actor, found, row, target, note)

    return driver_transaction(services, work)


def _change_status(
    services: Services,
    session: Tx,
    actor: Actor,
    found: project_rows.ProjectActivities,
    row: project_rows.ActivityRecord,
    target: ActivityStatus,
    note: str | None,
) -> Change:
    """The change itself, on rows the driver read (storage.projects): the commonest write."""
    project = found.head
    require_owner_or_lead(actor.user_id, project.lead_id, row.owner_id)
    phase = services.phase(project.phase_key)
    definition = phase.activity(row.key)
    if phase.children(row.key):
        statuses = {key: ActivityStatus(status) for key, status in found.statuses().items()}
        check_status_change(phase, row.key, statuses, target)
    if target in (ActivityStatus.BLOCKED, ActivityStatus.NOT_APPLICABLE) and not note:
        raise DomainError(ErrorCode.REASON_REQUIRED, usage=_USAGE[target])
    before = (row.status, row.note)
    if before == (target.value, note):
        return Change(
            ChangeKind.STATUS, project.name, False, target.value, row.status, definition, note=note
        )
    if not project_rows.set_if_unchanged(
        session=session,
        activity=row,
        values={
            "status": target.value,
            "note": note,
            "escalate_at": _escalation(services, row.due, row.escalated_due, target),
            "updated_at": services.clock(),
        },
    ):
        raise Raced
    record_change(
        services,
        session,
        actor,
        project,
        "activity.status",
        row.key,
        {"status": before[0], "note": before[1]},
        {"status": target.value, "note": note},
    )
    _refresh_home(services, session, actor.team_id, [row.owner_id, actor.user_id])
    return Change(
        ChangeKind.STATUS, project.name, True, target.value, before[0], definition, note=note
    )


def _escalation(
    services: Services, due: date | None, escalated_due: date | None, status: str
) -> datetime | None:
    """When the tick escalates the activity if still open; None when there is nothing to arm.

    Finishing an activity disarms it; reopening it or moving its due date re-arms it, unless
    that due date was already escalated once.
    """
    if due is None or ActivityStatus(status) in FINISHED or due == escalated_due:
        return None
    return escalation_at(due, services.calendar)


_USAGE = {ActivityStatus.BLOCKED: "blocked", ActivityStatus.NOT_APPLICABLE: "na"}


def link_document(services: Services, actor: Actor, channel_id: str, ref: str, url: str) -> Change:
    def work(session: Session) -> Change:
        project = project_of_channel(session, actor, channel_id)
        require_lead(actor.user_id, project.lead_id)
        phase = services.phase(project.phase_key)
        key = resolve_key(ref, [d.key for d in phase.milestone.documents])
        definition = next(d for d in phase.milestone.documents if d.key == key)
        row = projects.document(session=session, project_id=row_id(project), key=key)
        before = row.url if row else None
        if before == url:
            return Change(
                ChangeKind.DOCUMENT, project.name, False, url, before, document=definition
            )
        now = services.clock()
        if row is None:
            session.add(
                Document(
                    project_id=row_id(project),
                    key=key,
                    url=url,
                    linked_by=actor.user_id,
                    linked_at=now,
                )
            )
        else:
            row.url, row.linked_by, row.linked_at = url, actor.user_id, now
        session.flush()
        record_change(services, session, actor, project, "document.link", key, before, url)
        return Change(ChangeKind.DOCUMENT, project.name, True, url, before, document=definition)

    return transaction(services, work)


def my_activities(services: Services, team_id: str, user_id: str) -> list[MyActivity]:
    today = services.today(services.clock())
    with services.db.driver_reading() as cursor:
        rows = project_rows.open_activities_of(
            cursor=cursor, team_id=team_id, owner_id=user_id, finished=[s.value for s in FINISHED]
        )
    mine: list[MyActivity] = []
    for row in rows:
        phase = services.phase(row.phase_key)
        if phase.children(row.key):
            continue  # a parent's status follows its sub-activities; nothing to click
        mine.append(
            MyActivity(
                activity_id=row.activity_id,
                project_name=row.project_name,
                channel_id=row.channel_id,
                definition=phase.activity(row.key),
                status=ActivityStatus(row.status),
                due=row.due,
                overdue=row.due is not None and row.due < today,
            )
        )
    return mine


def request_home(services: Services, team_id: str, user_id: str) -> None:
    """Queue a fresh Home tab for the person (coalesced with any refresh already waiting)."""
    with services.db.session() as session:
        _refresh_home(services, session, team_id, [user_id])
