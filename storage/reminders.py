"""Reminder schedules, snoozes and escalations: what the tick claims.

Every claim is `FOR UPDATE SKIP LOCKED` on PostgreSQL, so two tickers (threads or replicas)
never take the same row; on SQLite the writer lock (BEGIN IMMEDIATE) serialises them. Each
query walks an index on a timestamp, so an idle tick costs one index probe per kind of work.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import Activity, Project, ReminderSchedule


def add_schedule(
    *, session: Session, project_id: int, spec: str, next_run_at: datetime, now: datetime
) -> None:
    session.add(
        ReminderSchedule(project_id=project_id, spec=spec, next_run_at=next_run_at, updated_at=now)
    )


def schedule_of(*, session: Session, project_id: int) -> ReminderSchedule | None:
    return session.get(ReminderSchedule, project_id)


def claim_due_schedules(*, session: Session, now: datetime, limit: int) -> list[ReminderSchedule]:
    """Schedules whose occurrence has come, oldest first; the caller advances them."""
    query = (
        select(ReminderSchedule)
        .where(col(ReminderSchedule.next_run_at) <= now)
        .order_by(col(ReminderSchedule.next_run_at), col(ReminderSchedule.project_id))
        .limit(limit)
    )
    if _postgres(session):
        query = query.with_for_update(skip_locked=True)
    return list(session.exec(query))


def activities_of_projects(
    *, session: Session, project_ids: Sequence[int]
) -> dict[int, list[Activity]]:
    """Every activity of the given projects in one query, grouped by project, in id order."""
    grouped: dict[int, list[Activity]] = {i: [] for i in project_ids}
    if not project_ids:
        return grouped
    query = (
        select(Activity)
        .where(col(Activity.project_id).in_(project_ids))
        .order_by(col(Activity.project_id), col(Activity.id))
    )
    for activity in session.exec(query):
        grouped[activity.project_id].append(activity)
    return grouped


def claim_due_activities(
    *, session: Session, column: str, now: datetime, limit: int
) -> list[tuple[Project, Activity]]:
    """Activities whose `snoozed_until` or `escalate_at` has come, with their projects."""
    at = col(getattr(Activity, column))
    query = (
        select(Project, Activity)
        .join(Activity, col(Activity.project_id) == col(Project.id))
        .where(at <= now)
        .order_by(at, col(Activity.id))
        .limit(limit)
    )
    if _postgres(session):
        query = query.with_for_update(of=Activity, skip_locked=True)
    return [(p, a) for p, a in session.exec(query)]


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"
