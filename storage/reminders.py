"""Reminder schedules, snoozes and escalations: what the tick claims.

Every claim is `FOR UPDATE SKIP LOCKED` on PostgreSQL, so two tickers (threads or replicas)
never take the same row; on SQLite the writer lock (BEGIN IMMEDIATE) serialises them. Each
query walks an index on a timestamp, so an idle tick costs one index probe per kind of work.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Insert, bindparam, delete, update
from sqlalchemy import select as sa_select  # sqlmodel's select types at most four columns
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.driver import Cursor, Sql, day, utc
from storage.models import Activity, Project, ReminderMessage, ReminderSchedule
from storage.projects import ProjectHead, head_of


def add_schedule(
    *, session: Session, project_id: int, spec: str, next_run_at: datetime, now: datetime
) -> None:
    session.add(
        ReminderSchedule(project_id=project_id, spec=spec, next_run_at=next_run_at, updated_at=now)
    )


def schedule_of(*, session: Session, project_id: int) -> ReminderSchedule | None:
    return session.get(ReminderSchedule, project_id)


class DueSchedule(NamedTuple):
    project_id: int
    spec: str
    next_run_at: datetime
    team_id: str
    channel_id: str


class ActivityRow(NamedTuple):
    id: int
    project_id: int
    status: str
    owner_id: str | None
    due: date | None
    snoozed_until: datetime | None


# `påminn` reads its project with its activities in one statement on the driver: 300 leads at
# once must not wait behind the ORM building 6,000 objects.
_PROJECT_ACTIVITIES = Sql(
    """SELECT project.id, project.team_id, project.name, project.channel_id, project.lead_id,
    project.created_at, project.phase_key, project.chair_id, project.adjuster_id,
    activity.id, activity.project_id, activity.status, activity.owner_id, activity.due,
    activity.snoozed_until
    FROM project LEFT JOIN activity ON activity.project_id = project.id
    WHERE project.team_id = %s AND project.channel_id = %s ORDER BY activity.id"""
)


def activities_in_channel(
    *, session: Session, team_id: str, channel_id: str
) -> tuple[ProjectHead, list[ActivityRow]] | None:
    """The channel's project and its activities as the reminder rules read them (None: the
    channel has no project)."""
    found = Cursor.of(session).rows(_PROJECT_ACTIVITIES, (team_id, channel_id))
    if not found:
        return None
    rows = [
        ActivityRow(aid, pid, status, owner, day(due), utc(snoozed))
        for aid, pid, status, owner, due, snoozed in (r[9:] for r in found)
        if aid is not None
    ]
    return head_of(found[0]), rows


# The tick reads plain rows, not ORM objects: building a SQLModel instance costs about 0.1 ms,
# which for 1% of 100,000 activities was most of the tick.


def claim_due_schedules(*, session: Session, now: datetime, limit: int) -> list[DueSchedule]:
    """Schedules whose occurrence has come, oldest first; the caller advances them."""
    query = (
        sa_select(
            col(ReminderSchedule.project_id),
            col(ReminderSchedule.spec),
            col(ReminderSchedule.next_run_at),
            col(Project.team_id),
            col(Project.channel_id),
        )
        .join(Project, col(Project.id) == col(ReminderSchedule.project_id))
        .where(col(ReminderSchedule.next_run_at) <= now)
        .order_by(col(ReminderSchedule.next_run_at), col(ReminderSchedule.project_id))
        .limit(limit)
    )
    if _postgres(session):
        query = query.with_for_update(of=ReminderSchedule, skip_locked=True)
    return [DueSchedule(*row) for row in session.execute(query)]


def advance(*, session: Session, moves: Sequence[tuple[int, datetime]], now: datetime) -> None:
    """Move each schedule (project id, next occurrence) on, in one executemany."""
    if not moves:
        return
    table: Any = ReminderSchedule.__table__  # type: ignore[attr-defined]
    session.execute(
        update(table)
        .where(table.c.project_id == bindparam("pid"))
        .values(next_run_at=bindparam("at"), updated_at=now),
        [{"pid": pid, "at": at} for pid, at in moves],
    )


def activities_of_projects(
    *, session: Session, project_ids: Sequence[int]
) -> dict[int, list[ActivityRow]]:
    """Every activity of the given projects in one query, grouped by project, in id order."""
    grouped: dict[int, list[ActivityRow]] = {i: [] for i in project_ids}
    if not project_ids:
        return grouped
    query = (
        sa_select(
            col(Activity.id),
            col(Activity.project_id),
            col(Activity.status),
            col(Activity.owner_id),
            col(Activity.due),
            col(Activity.snoozed_until),
        )
        .where(col(Activity.project_id).in_(project_ids))
        .order_by(col(Activity.project_id), col(Activity.id))
    )
    for row in session.execute(query):
        activity = ActivityRow(*row)
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


class PostedReminder(NamedTuple):
    """A reminder DM as posted: whose, where, and the activities it lists."""

    team_id: str
    user_id: str
    channel_id: str
    ts: str
    activities: Sequence[int]


def record_messages(*, session: Session, posted: Sequence[PostedReminder], now: datetime) -> None:
    """Reminder DMs as posted, one statement for every row on the table (the sender settles
    many at once, and the ORM would cost each its own); one posted again (a retry) is recorded
    once. A statement of many VALUES would be compiled anew for each number of rows (the most
    costly step of settling a batch), where this one is compiled once and sent as a batch."""
    if not posted:
        return
    rows = [{**p._asdict(), "activities": list(p.activities), "posted_at": now} for p in posted]
    session.connection().execute(_insert_posted(_postgres(session)), rows)


@cache
def _insert_posted(postgres: bool) -> Insert:
    table = ReminderMessage.__table__  # type: ignore[attr-defined]
    insert = pg_insert if postgres else sqlite_insert
    return insert(table).on_conflict_do_nothing()


def forget_messages_before(*, session: Session, before: datetime, limit: int) -> int:
    """Forget up to `limit` reminder DMs posted before `before`, oldest first. Rows are
    written in the order they are posted, so the oldest are the lowest ids: the look is a
    probe of the primary key, not a scan, and costs an idle tick nothing."""
    table = ReminderMessage.__table__  # type: ignore[attr-defined]
    oldest = sa_select(table.c.id).order_by(table.c.id).limit(limit).scalar_subquery()
    result = session.execute(
        delete(table).where(table.c.id.in_(oldest), table.c.posted_at < before)
    )
    return result.rowcount  # type: ignore[attr-defined, no-any-return]


def posted_message(
    *, session: Session, team_id: str, channel_id: str, ts: str
) -> ReminderMessage | None:
    query = select(ReminderMessage).where(
        ReminderMessage.team_id == team_id,
        ReminderMessage.channel_id == channel_id,
        ReminderMessage.ts == ts,
    )
    return session.exec(query).first()
