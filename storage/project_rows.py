"""A project's rows as the ack's path reads them: plain values on the driver (storage.driver).

A status, a status change, a vote click, a Home tab and a reminder read these on every request
or delivery, so each is one statement written as SQL, beside the ORM's typed queries in
storage.projects, and each row a NamedTuple rather than an ORM object.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from typing import Any, NamedTuple

from sqlmodel import Session

from storage.driver import Cursor, Sql, Tx, day, utc
from storage.models import VOTE_CLOSED


class ActivityRow(NamedTuple):
    key: str
    status: str
    owner_id: str | None
    due: date | None
    note: str | None


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
DOCUMENTS = Sql("SELECT key, url FROM document WHERE project_id = %s")
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
    documents = {key: url for key, url in cursor.rows(DOCUMENTS, (found.id,))}
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
    *, session: Tx, team_id: str, channel_id: str
) -> ProjectActivities | None:
    """The channel's project and its activities (None: the channel has no project)."""
    found = Cursor.of(session).rows(_ACTIVITIES_IN_CHANNEL, (team_id, channel_id))
    if not found:
        return None
    return ProjectActivities(head_of(found[0]), [r[9:] for r in found if r[9] is not None])


def activities_of_activity(*, session: Tx, activity_id: int) -> ProjectActivities | None:
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


def set_if_unchanged(*, session: Tx, activity: ActivityRecord, values: dict[str, Any]) -> bool:
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
