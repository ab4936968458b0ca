"""What one tick did; all zero when nothing was due."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass
class TickReport:
    schedules: int = 0
    reminders: int = 0
    digests: int = 0
    snoozes: int = 0
    escalations: int = 0
    votes_closed: int = 0
    vote_reminders: int = 0
    justering_reminders: int = 0

    @property
    def queued(self) -> int:
        """Events put in the outbox (a closed vote queues at least its final redraw)."""
        return sum(getattr(self, f.name) for f in fields(self) if f.name != "schedules")

    def __str__(self) -> str:
        return " ".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))
