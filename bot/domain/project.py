"""A project as the people in it see it: the phase, each activity's state, what is missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.activities import ActivityState, ActivityStatus, Progress, progress
from bot.domain.phase import ActivityDef, DocumentDef, Phase
from bot.domain.readiness import Readiness, readiness


@dataclass(frozen=True, slots=True)
class ProjectView:
    id: int
    name: str
    channel_id: str
    lead_id: str
    created_at: datetime
    phase: Phase
    activities: tuple[ActivityState, ...]
    documents: tuple[tuple[DocumentDef, str | None], ...]
    members: tuple[str, ...]
    chair: str | None
    today: date
    # Stakeholder channels the latest decision could not be announced in.
    undelivered: tuple[str, ...] = ()
    adjuster: str | None = None

    @property
    def progress(self) -> Progress:
        return progress(self.phase, self.activities)

    @property
    def readiness(self) -> Readiness:
        return readiness(
            self.phase,
            self.activities,
            {d.key: url for d, url in self.documents if url},
            self.members,
            self.chair,
            self.adjuster,
        )

    def is_sub_activity(self, state: ActivityState) -> bool:
        return state.definition.parent is not None


@dataclass(frozen=True, slots=True)
class MyActivity:
    """One of a person's open activities, wherever it lives."""

    activity_id: int
    project_name: str
    channel_id: str
    definition: ActivityDef
    status: ActivityStatus
    due: date | None
    overdue: bool
