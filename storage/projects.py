"""Typed queries for projects and their activities."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import delete, update
from sqlalchemy import select as select_columns
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from bot.domain.naming import normalize
from storage.driver import Cursor, Sql, day, utc
from storage.models import (
    VOTE_CLOSED,
    Activity,
    Document,
    Project,
    StakeholderChannel,
    SteeringMember,
)


def add_project(
    *,
    session: Session,
    team_id: str,
    channel_id: str,
    name: str,
    phase_key: str,
    lead_id: str,
    activity_keys: Sequence[str],
    initial_status: str,
    now: datetime,
) -> Project:
    """Insert the project and one row per template activity; the unique keys guard the channel
    and the folded name."""
    project = Project(
        team_id=team_id,
        channel_id=channel_id,
        name=name,
        name_key=name_key(name),
        phase_key=phase_key,
        lead_id=lead_id,
        created_at=now,
    )
    session.add(project)
    session.flush()
    assert project.id is not None
    session.add_all(
        Activity(project_id=project.id, key=key, status=initial_status, updated_at=now)
        for key in activity_keys
    )
    session.flush()
    return project


def name_key(name: str) -> str:
    """What makes two project names the same: case, diacritics and spacing folded."""
    return normalize(name)


def project_named(*, session: Session, team_id: str, name: str) -> Project | None:
    """The workspace's project whose name folds to the same as `name`."""
    return session.exec(
        select(Project).where(Project.team_id == team_id, Project.name_key == name_key(name))
    ).first()


def project_in_channel(*, session: Session, team_id: str, channel_id: str) -> Project | None:
    return session.exec(
        select(Project).where(Project.team_id == team_id, Project.channel_id == channel_id)
    ).first()


def activities_of(*, session: Session, project_id: int) -> list[Activity]:
    return list(
        session.exec(
            select(Activity).where(Activity.project_id == project_id).order_by(col(Activity.id))
        )
    )


class ActivityRow(NamedTuple):
    key: str
    status: str
    owner_id: str | None
    due: date | None
    note: str | None


def activity_rows(*, session: Session, project_id: int) -> list[ActivityRow]:
    """What a status shows of each activity, as plain rows (no ORM objects to build)."""
    rows = session.execute(
        select_columns(
            col(Activity.key),
            col(Activity.status),
            col(Activity.owner_id),
            col(Activity.due),
            col(Activity.note),
        )
        .where(col(Activity.project_id) == project_id)
        .order_by(col(Activity.id))
    )
    return [ActivityRow(*row) for row in rows]


class ProjectHead(NamedTuple):
    """What a project's view shows of its own row."""

    id: int
    team_id: str
    name: str
    channel_id: str
    lead_id: str
    created_at: datetime
    phase_key: str
    chair_id: str | None
    adjuster_id: str | None


class ProjectRows(NamedTuple):
    """A project's view as plain rows: its row, activities, documents and steering group."""

    head: ProjectHead
    activities: list[ActivityRow]
    documents: dict[str, str]
    members: list[str]


# A status reads these on every request: on the driver (storage.driver), not through the ORM.
_HEAD_IN_CHANNEL = Sql(
    """SELECT id, team_id, name, channel_id, lead_id, created_at, phase_key, chair_id,
    adjuster_id, (SELECT vote.id FROM vote WHERE vote.project_id = project.id
    AND vote.status = %s ORDER BY vote.id DESC LIMIT 1)
    FROM project WHERE team_id = %s AND channel_id = %s"""
)
_HEAD_BY_ID = Sql(
    """SELECT id, team_id, name, channel_id, lead_id, created_at, phase_key, chair_id,
    adjuster_id FROM project WHERE id = %s"""
)
_ACTIVITY_ROWS = Sql(
    "SELECT key, status, owner_id, due, note FROM activity WHERE project_id = %s ORDER BY id"
)
_DOCUMENTS = Sql("SELECT key, url FROM document WHERE project_id = %s")
_MEMBERS = Sql("SELECT user_id FROM steering_member WHERE project_id = %s ORDER BY position")


def project_rows_in_channel(
    *, cursor: Cursor, team_id: str, channel_id: str
) -> tuple[ProjectRows, int | None] | None:
    """The channel's project, and the id of its latest closed vote (None: none yet)."""
    head = cursor.row(_HEAD_IN_CHANNEL, (VOTE_CLOSED, team_id, channel_id))
    return None if head is None else (_rows(cursor, head), head[-1])


def project_rows(*, session: Session, project_id: int) -> ProjectRows:
    cursor = Cursor.of(session)
    head = cursor.row(_HEAD_BY_ID, (project_id,))
    assert head is not None, f"project {project_id} is gone"
    return _rows(cursor, head)


def head_of(row: tuple[Any, ...]) -> ProjectHead:
    """A project's row from the first nine columns a statement here selects."""
    pid, team, name, channel, lead, created, phase, chair, adjuster = row[:9]
    created_at = utc(created)
    assert created_at is not None
    return ProjectHead(pid, team, name, channel, lead, created_at, phase, chair, adjuster)


def _rows(cursor: Cursor, head: tuple[Any, ...]) -> ProjectRows:
    found = head_of(head)
    activities = [
        ActivityRow(key, status, owner, day(due), note)
        for key, status, owner, due, note in cursor.rows(_ACTIVITY_ROWS, (found.id,))
    ]
    documents = {key: url for key, url in cursor.rows(_DOCUMENTS, (found.id,))}
    members = [user for (user,) in cursor.rows(_MEMBERS, (found.id,))]
    return ProjectRows(found, activities, documents, members)


class ActivityRecord(NamedTuple):
    """An activity as a status change reads it: what it checks, and what its write compares."""

    id: int
    key: str
    status: str
    note: str | None
    owner_id: str | None
    due: date | None
    escalated_due: date | None
    escalate_at: datetime | None
    updated_at: datetime


# A status change (`klar`, `pågår`, a button) is the commonest write: on the driver, the
# project with all its activities in one statement (which one is meant depends on the
# project's template, and a parent's change checks its children).
_ACTIVITIES_IN_CHANNEL = Sql(
    """SELECT project.id, project.team_id, project.name, project.channel_id, project.lead_id,
    project.created_at, project.phase_key, project.chair_id, project.adjuster_id,
    activity.id, activity.key, activity.status, activity.note, activity.owner_id, activity.due,
    activity.escalated_due, activity.escalate_at, activity.updated_at
    FROM project LEFT JOIN activity ON activity.project_id = project.id
    WHERE project.team_id = %s AND project.channel_id = %s ORDER BY activity.id"""
)
_ACTIVITIES_OF_ACTIVITY = Sql(
    """SELECT project.id, project.team_id, project.name, project.channel_id, project.lead_id,
    project.created_at, project.phase_key, project.chair_id, project.adjuster_id,
    activity.id, activity.key, activity.status, activity.note, activity.owner_id, activity.due,
    activity.escalated_due, activity.escalate_at, activity.updated_at
    FROM activity JOIN project ON project.id = activity.project_id
    WHERE project.id = (SELECT project_id FROM activity WHERE id = %s) ORDER BY activity.id"""
)


class ProjectActivities(NamedTuple):
    """A project's row and its activities' (as the driver gives them, converted when used)."""

    head: ProjectHead
    rows: list[tuple[Any, ...]]

    def record(self, key: str) -> ActivityRecord | None:
        return next((_record(r) for r in self.rows if r[1] == key), None)

    def record_by_id(self, activity_id: int) -> ActivityRecord | None:
        return next((_record(r) for r in self.rows if r[0] == activity_id), None)

    def statuses(self) -> dict[str, str]:
        return {r[1]: r[2] for r in self.rows}


def activities_in_channel(
    *, session: Session, team_id: str, channel_id: str
) -> ProjectActivities | None:
    """The channel's project and its activities (None: the channel has no project)."""
    found = Cursor.of(session).rows(_ACTIVITIES_IN_CHANNEL, (team_id, channel_id))
    if not found:
        return None
    return ProjectActivities(head_of(found[0]), [r[9:] for r in found if r[9] is not None])


def activities_of_activity(*, session: Session, activity_id: int) -> ProjectActivities | None:
    """The project of activity `activity_id` and its activities (None: no such activity)."""
    found = Cursor.of(session).rows(_ACTIVITIES_OF_ACTIVITY, (activity_id,))
    if not found:
        return None
    return ProjectActivities(head_of(found[0]), [r[9:] for r in found])


def _record(row: tuple[Any, ...]) -> ActivityRecord:
    aid, key, status, note, owner, due, escalated, escalate_at, updated = row
    updated_at = utc(updated)
    assert updated_at is not None
    return ActivityRecord(
        aid, key, status, note, owner, day(due), day(escalated), utc(escalate_at), updated_at
    )


def set_if_unchanged(*, session: Session, activity: ActivityRecord, values: dict[str, Any]) -> bool:
    """Write `values` only if the row still holds what this transaction read (each of those
    columns as `activity` has it): the driver's compare-and-set, as `compare_and_set`."""
    names = tuple(values)
    read = [getattr(activity, name) for name in names]
    cursor = Cursor.of(session)
    changed = cursor.run(
        _compare_and_set(names, tuple(v is None for v in read)),
        [*values.values(), activity.id, *(v for v in read if v is not None)],
    )
    return changed == 1


@cache
def _compare_and_set(names: tuple[str, ...], nulls: tuple[bool, ...]) -> Sql:
    # Column names come from the callers' code, never from a request.
    assert all(n.isidentifier() for n in names)
    where = " AND ".join(
        f"{n} IS NULL" if null else f"{n} = %s" for n, null in zip(names, nulls, strict=True)
    )
    sets = ", ".join(f"{n} = %s" for n in names)
    return Sql(f"UPDATE activity SET {sets} WHERE id = %s AND {where}")  # noqa: S608


def activity(*, session: Session, project_id: int, key: str) -> Activity | None:
    return session.exec(
        select(Activity).where(Activity.project_id == project_id, Activity.key == key)
    ).first()


def compare_and_set(*, session: Session, activity: Activity, values: dict[str, Any]) -> bool:
    """Write `values` only if the row still holds what this transaction read.

    Two clicks of one button in parallel both read "in progress" and both want "done"; on
    PostgreSQL the second UPDATE waits for the first and then matches nothing, so exactly one
    change (and one audit row) is made.
    """
    conditions = [
        getattr(Activity, name) == getattr(activity, name)
        if getattr(activity, name) is not None
        else getattr(Activity, name).is_(None)
        for name in values
    ]
    result = session.execute(
        update(Activity)
        .where(col(Activity.id) == activity.id, *conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    # The row holds these now; as the committed state, so the flush does not write them again.
    for name, value in values.items():
        set_committed_value(activity, name, value)
    return True


def documents_of(*, session: Session, project_id: int) -> dict[str, str]:
    # On the driver: a status and a vote click read these on every request.
    return {key: url for key, url in Cursor.of(session).rows(_DOCUMENTS, (project_id,))}


def document(*, session: Session, project_id: int, key: str) -> Document | None:
    return session.exec(
        select(Document).where(Document.project_id == project_id, Document.key == key)
    ).first()


def members_of(*, session: Session, project_id: int) -> list[str]:
    rows = session.execute(
        select(col(SteeringMember.user_id))
        .where(SteeringMember.project_id == project_id)
        .order_by(col(SteeringMember.position))
    )
    return list(rows.scalars())


def replace_members(*, session: Session, project_id: int, ids: Sequence[str]) -> None:
    session.execute(delete(SteeringMember).where(col(SteeringMember.project_id) == project_id))
    session.add_all(
        SteeringMember(project_id=project_id, user_id=u, position=i) for i, u in enumerate(ids)
    )


def stakeholders_of(*, session: Session, project_id: int) -> list[str]:
    rows = session.exec(
        select(StakeholderChannel)
        .where(StakeholderChannel.project_id == project_id)
        .order_by(col(StakeholderChannel.position))
    )
    return [c.channel_id for c in rows]


def replace_stakeholders(*, session: Session, project_id: int, ids: Sequence[str]) -> None:
    session.execute(
        delete(StakeholderChannel).where(col(StakeholderChannel.project_id) == project_id)
    )
    session.add_all(
        StakeholderChannel(project_id=project_id, channel_id=c, position=i)
        for i, c in enumerate(ids)
    )


def projects_by_id(*, session: Session, ids: Sequence[int]) -> dict[int, Project]:
    if not ids:
        return {}
    return {p.id: p for p in session.exec(select(Project).where(col(Project.id).in_(ids))) if p.id}


class OpenActivity(NamedTuple):
    """An owner's unfinished activity, with what the Home tab shows of its project."""

    project_name: str
    channel_id: str
    phase_key: str
    activity_id: int
    key: str
    status: str
    due: date | None


@cache
def _open_activities(finished: int) -> Sql:
    marks = ", ".join(["%s"] * finished)  # placeholders only: the statuses are parameters
    return Sql(f"{_OPEN_ACTIVITIES} ({marks}) ORDER BY project.id, activity.id")


# Every Home tab reads these, for an owner of hundreds: plain rows on the driver.
_OPEN_ACTIVITIES = (
    "SELECT project.name, project.channel_id, project.phase_key, activity.id, activity.key,"
    " activity.status, activity.due FROM project JOIN activity ON activity.project_id = project.id"
    " WHERE project.team_id = %s AND activity.owner_id = %s AND activity.status NOT IN"
)


def open_activities_of(
    *, cursor: Cursor, team_id: str, owner_id: str, finished: Sequence[str]
) -> list[OpenActivity]:
    """The owner's unfinished activities across every project of the workspace, one query."""
    found = cursor.rows(_open_activities(len(finished)), (team_id, owner_id, *finished))
    return [
        OpenActivity(name, channel, phase, aid, key, status, day(due))
        for name, channel, phase, aid, key, status, due in found
    ]


def activity_by_id(*, session: Session, activity_id: int) -> tuple[Project, Activity] | None:
    row = session.exec(
        select(Project, Activity)
        .join(Activity, col(Activity.project_id) == col(Project.id))
        .where(Activity.id == activity_id)
    ).first()
    return None if row is None else (row[0], row[1])


class ListedActivity(NamedTuple):
    """An activity a reminder lists, with what the reminder shows of its project."""

    project_id: int
    team_id: str
    project_name: str
    channel_id: str
    lead_id: str
    phase_key: str
    activity_id: int
    key: str
    status: str
    owner_id: str | None
    due: date | None
    snoozed_until: datetime | None


_LISTED = (
    "SELECT project.id, project.team_id, project.name, project.channel_id, project.lead_id,"
    " project.phase_key, activity.id, activity.key, activity.status, activity.owner_id,"
    " activity.due, activity.snoozed_until FROM activity JOIN project"
    " ON project.id = activity.project_id WHERE activity.id IN"
)


@cache
def _listed(count: int) -> Sql:
    """Built once per number of activities (a reminder lists a few)."""
    marks = ", ".join(["%s"] * count)  # placeholders only: the ids are parameters
    return Sql(f"{_LISTED} ({marks}) ORDER BY activity.id")


def listed_activities(*, cursor: Cursor, ids: Sequence[int]) -> list[ListedActivity]:
    """The activities `ids` with their projects, as plain rows on the driver: the sender
    renders a reminder from them for every DM."""
    if not ids:
        return []
    return [
        ListedActivity(
            pid, team, name, channel, lead, phase, aid, key, status, owner, day(due), utc(s)
        )
        for pid, team, name, channel, lead, phase, aid, key, status, owner, due, s in cursor.rows(
            _listed(len(ids)), list(ids)
        )
    ]


def find_projects(*, session: Session, ref: str) -> list[Project]:
    """Projects named by id, channel id or name, for the command line.

    Names are compared casefolded in Python: SQLite's lower() knows only ASCII, and a
    municipality's project is called Ängelholm or Örebro.
    """
    wanted = ref.strip().casefold()
    return [
        p
        for p in session.exec(select(Project).order_by(col(Project.id)))
        if str(p.id) == ref.strip() or p.channel_id == ref.strip() or p.name.casefold() == wanted
    ]
