"""Time for tests: the instants the tables are written in, and a clock the test moves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.calendar import STOCKHOLM
from bot.holidays_se import swedish_calendar

SWEDEN = swedish_calendar()
# Egypt changes clocks on a weekday (Friday 28 April 2023 00:00 → 01:00; Thursday 26 October
# 2023 24:00 → 23:00), which Sweden never does, so it shows what happens on a business day.
CAIRO = ZoneInfo("Africa/Cairo")


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def sthlm(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """A Stockholm wall time that exists and is unambiguous, as a UTC instant."""
    return datetime(y, mo, d, h, mi, tzinfo=STOCKHOLM).astimezone(UTC)


@dataclass
class Clock:
    """A clock the test sets; services read it as `services.clock()`."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def set(self, instant: datetime) -> None:
        self.now = instant

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
