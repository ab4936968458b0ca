"""What every use case needs: the database, the phase templates, the clock, the calendar."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from bot.domain.calendar import BusinessCalendar, local_date
from bot.domain.phase import Phase
from bot.holidays_se import swedish_calendar
from storage.db import Database

BOT_USER = "bot"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who asked: a Slack user in a Slack workspace."""

    team_id: str
    user_id: str

    @classmethod
    def bot(cls, team_id: str) -> Actor:
        """The bot itself, in the audit log: what it does on its own, such as closing a vote."""
        return cls(team_id, BOT_USER)


@dataclass(frozen=True)
class Services:
    db: Database
    phases: Mapping[str, Phase]
    default_phase: str
    clock: Callable[[], datetime] = utc_now
    calendar: BusinessCalendar = field(default_factory=swedish_calendar)
    # ORGANISATION: who the records the bot files are of (None: the workspace's id).
    organisation: str | None = None

    def phase(self, key: str | None = None) -> Phase:
        return self.phases[key or self.default_phase]

    def today(self, now: datetime) -> date:
        """The date in Sweden, which decides what is overdue."""
        return local_date(now)
