"""Typed queries for projects and their activities."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from bot.domain.naming import normalize
from storage.driver import Cursor, Tx
from storage.models import (
    Activity,
    Document,
    Project,
    StakeholderChannel,
    SteeringMember,
)
from storage.project_rows import DOCUMENTS


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


def documents_of(*, session: Tx, project_id: int) -> dict[str, str]:
    # On the driver: a vote click reads these on every request.
    return {key: url for key, url in Cursor.of(session).rows(DOCUMENTS, (project_id,))}


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


def activity_by_id(*, session: Session, activity_id: int) -> tuple[Project, Activity] | None:
    row = session.exec(
        select(Project, Activity)
        .join(Activity, col(Activity.project_id) == col(Project.id))
        .where(Activity.id == activity_id)
    ).first()
    return None if row is None else (row[0], row[1])


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
