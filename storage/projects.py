"""Typed queries for projects and their activities."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import Activity, Project


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
    """Insert the project and one row per template activity; the unique key guards the channel."""
    project = Project(
        team_id=team_id,
        channel_id=channel_id,
        name=name,
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
