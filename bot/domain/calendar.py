"""Business days and local wall-clock times: the calendar reminders and deadlines run on.

Pure rules: the holidays come in from outside (`bot.holidays_se.swedish_calendar()` builds the
Swedish one), so the domain needs no third-party package, and every instant is a parameter.
Instants crossing this API are timezone-aware UTC; a local zone (Europe/Stockholm by default) is
used only to decide which local day and wall-clock time an instant is.

Decisions
---------
- **A business day** is Monday to Friday and not in the calendar's holidays. For Sweden the
  holidays include the de facto ones (midsommarafton, julafton, nyårsafton), because the
  semesterlag treats them as Sundays and nobody wants a reminder then.
- **A wall time that does not exist** (02:30 on the spring-forward day) resolves to the instant
  the clocks jump, i.e. 03:00 local summer time. Shifting it by the gap instead (to 03:30) would
  make 02:30 later than 03:15 that day; resolving to the jump keeps later wall times at later or
  equal instants, so a schedule's occurrences stay in order and collapse rather than swap.
- **A wall time that occurs twice** (02:30 on the fall-back day) resolves to the first
  occurrence, still summer time (PEP 495 `fold=0`). It fires once, never twice.
- **`into_business_hours` moves earlier, never later**: an instant outside business hours goes
  to 16:00 local on the latest business day at or before it. It is used for "remind 24 hours
  before the deadline"; moving later could push the reminder past the deadline, moving earlier
  cannot. 16:00 rather than 17:00 leaves an hour of the working day to act on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")

BUSINESS_HOURS_START = time(8, 0)
BUSINESS_HOURS_END = time(17, 0)
SNOOZE_TIME = time(9, 0)
VOTE_DEADLINE_TIME = time(17, 0)
VOTE_DEADLINE_BUSINESS_DAYS = 5
# Where into_business_hours puts an out-of-hours instant; see the module docstring.
MOVED_REMINDER_TIME = time(16, 0)

_DAY = timedelta(days=1)
# Longer than any real run of non-business days; stops a pathological calendar from looping.
_MAX_NON_BUSINESS_RUN = 366


@dataclass(frozen=True)
class BusinessCalendar:
    """Weekends and the given holidays are not business days; every other date is.

    Dates outside the range the holidays were computed for count as having no holidays.
    """

    holidays: frozenset[date] = field(default=frozenset(), repr=False)

    def is_business_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self.holidays

    def next_business_day(self, d: date) -> date:
        """The first business day strictly after `d`."""
        return self._step(d, _DAY)

    def previous_business_day(self, d: date) -> date:
        """The last business day strictly before `d`."""
        return self._step(d, -_DAY)

    def roll_forward(self, d: date) -> date:
        """`d` itself if it is a business day, else the next one."""
        return d if self.is_business_day(d) else self.next_business_day(d)

    def add_business_days(self, d: date, n: int) -> date:
        """Step `n` business days from `d` (backwards if `n` is negative; `d` itself if 0).

        For `n >= 0`, `business_days_between(d, add_business_days(d, n)) == n`.
        """
        step = _DAY if n >= 0 else -_DAY
        for _ in range(abs(n)):
            d = self._step(d, step)
        return d

    def business_days_between(self, a: date, b: date) -> int:
        """How many business days `b` is after `a`: the business days in `(a, b]`.

        Negative when `b` is before `a` (minus the business days in `(b, a]`), so a due date
        two business days past gives -2 from today, and today two business days after the due
        date gives 2 ("overdue by 2 business days").
        """
        if b < a:
            return -self.business_days_between(b, a)
        count = 0
        d = a + _DAY
        while d <= b:
            if self.is_business_day(d):
                count += 1
            d += _DAY
        return count

    def _step(self, d: date, step: timedelta) -> date:
        for _ in range(_MAX_NON_BUSINESS_RUN):
            d += step
            if self.is_business_day(d):
                return d
        raise ValueError(f"no business day within {_MAX_NON_BUSINESS_RUN} days of {d}")


def at_local(d: date, t: time, tz: tzinfo = STOCKHOLM) -> datetime:
    """The UTC instant at which local wall time `t` on date `d` happens in `tz`.

    A nonexistent wall time (in a spring-forward gap) gives the instant the clocks jump; an
    ambiguous one (in a fall-back fold) gives its first occurrence. See the module docstring.
    """
    wall = datetime.combine(d, t.replace(tzinfo=None, fold=0))
    first = wall.replace(tzinfo=tz).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == wall:
        return first
    # In a gap, fold=0 reads the wall time with the offset from before the jump and fold=1 with
    # the one after; the jump lies between those two instants.
    low = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    high = first
    if low > high:
        low, high = high, low
    offset_after = high.astimezone(tz).utcoffset()
    # Find the first whole second with the post-jump offset: transitions fall on whole seconds.
    lo_s, hi_s = 0, int((high - low).total_seconds())
    while lo_s < hi_s:
        mid = (lo_s + hi_s) // 2
        if (low + timedelta(seconds=mid)).astimezone(tz).utcoffset() == offset_after:
            hi_s = mid
        else:
            lo_s = mid + 1
    return low + timedelta(seconds=lo_s)


def local_date(instant: datetime, tz: tzinfo = STOCKHOLM) -> date:
    """The local calendar date of an aware instant."""
    return _require_aware(instant).astimezone(tz).date()


def snooze_until(now: datetime, calendar: BusinessCalendar, tz: tzinfo = STOCKHOLM) -> datetime:
    """Skjut upp ("snooze"): 09:00 local on the business day after today's local date."""
    return at_local(calendar.next_business_day(local_date(now, tz)), SNOOZE_TIME, tz)


def default_vote_deadline(
    now: datetime, calendar: BusinessCalendar, tz: tzinfo = STOCKHOLM
) -> datetime:
    """17:00 local, five business days after today's local date."""
    day = calendar.add_business_days(local_date(now, tz), VOTE_DEADLINE_BUSINESS_DAYS)
    return at_local(day, VOTE_DEADLINE_TIME, tz)


def into_business_hours(
    instant: datetime, calendar: BusinessCalendar, tz: tzinfo = STOCKHOLM
) -> datetime:
    """`instant` if it is within 08:00–17:00 local on a business day, else moved earlier.

    An out-of-hours instant goes to 16:00 local on the latest business day whose 16:00 is not
    after it (the same day when it is a business day after 17:00). The result is never later
    than `instant`; it may be in the past, which the caller must check.
    """
    local = _require_aware(instant).astimezone(tz)
    day = local.date()
    if calendar.is_business_day(day) and (
        BUSINESS_HOURS_START <= local.time() <= BUSINESS_HOURS_END
    ):
        return instant.astimezone(UTC)
    if not (calendar.is_business_day(day) and local.time() > BUSINESS_HOURS_END):
        day = calendar.previous_business_day(day)
    return at_local(day, MOVED_REMINDER_TIME, tz)


def _require_aware(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("expected a timezone-aware datetime")
    return instant


def local_minute(instant: datetime) -> str:
    """A moment as people in Sweden read it, to the minute: 2027-01-15 17:00."""
    return instant.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
