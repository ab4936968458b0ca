"""A project written straight through storage, for the storage tests on both backends."""

from __future__ import annotations

from datetime import datetime

from storage import projects
from storage.db import Database


def add_project(db: Database, when: datetime, channel: str = "C1") -> int:
    """A project of two activities, `a` and `b`, not started, in `channel` of workspace T1."""
    with db.session() as session:
        project = projects.add_project(
            session=session,
            team_id="T1",
            channel_id=channel,
            name=f"Kommunen X {channel}",  # names are unique per workspace
            phase_key="etablera-forvaltning",
            lead_id="U1",
            activity_keys=["a", "b"],
            initial_status="not_started",
            now=when,
        )
        assert project.id is not None
        return project.id
