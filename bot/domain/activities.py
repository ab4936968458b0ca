"""Activity status and the rules that derive a parent's status from its sub-activities."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.domain.phase import ActivityDef, Phase


class ActivityStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"
    NOT_APPLICABLE = "not_applicable"


FINISHED = frozenset({ActivityStatus.DONE, ActivityStatus.NOT_APPLICABLE})


@dataclass(frozen=True, slots=True)
class ActivityState:
    """One activity of one project as the bot shows it; `status` is already derived."""

    definition: ActivityDef
    status: ActivityStatus
    owner_id: str | None = None
    due: date | None = None
    note: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def overdue(self, today: date) -> bool:
        return self.due is not None and not self.finished and self.due < today


def derive_status(children: Sequence[ActivityStatus]) -> ActivityStatus:
    """A parent activity is exactly as far as its sub-activities, never further.

    Blocked wins because a blocked part blocks the whole; all parts not applicable makes the
    parent not applicable, any mix of done and not applicable makes it done.
    """
    if not children:
        raise ValueError("a parent activity needs sub-activities")
    if any(s is ActivityStatus.BLOCKED for s in children):
        return ActivityStatus.BLOCKED
    if all(s is ActivityStatus.NOT_APPLICABLE for s in children):
        return ActivityStatus.NOT_APPLICABLE
    if all(s in FINISHED for s in children):
        return ActivityStatus.DONE
    if any(s is not ActivityStatus.NOT_STARTED for s in children):
        return ActivityStatus.IN_PROGRESS
    return ActivityStatus.NOT_STARTED


def with_derived_parents(
    phase: Phase, states: Sequence[ActivityState]
) -> tuple[ActivityState, ...]:
    """Replace each parent's stored status by the one its sub-activities give, in template order."""
    by_key = {s.definition.key: s for s in states}
    result: list[ActivityState] = []
    for definition in phase.activities:
        state = by_key[definition.key]
        children = phase.children(definition.key)
        if children:
            derived = derive_status([by_key[c.key].status for c in children])
            state = ActivityState(definition, derived, state.owner_id, state.due, state.note)
        result.append(state)
    return tuple(result)


@dataclass(frozen=True, slots=True)
class Progress:
    finished: int
    total: int

    def bar(self, width: int = 10) -> str:
        """A bar a person reads at a glance in any Slack client: filled and empty squares."""
        filled = round(width * self.finished / self.total) if self.total else 0
        return "▰" * filled + "▱" * (width - filled)


def progress(phase: Phase, states: Sequence[ActivityState]) -> Progress:
    """Counts the work items a person does: sub-activities, and activities without any."""
    leaves = [s for s in states if s.definition.key not in phase.parent_keys]
    return Progress(finished=sum(s.finished for s in leaves), total=len(leaves))
