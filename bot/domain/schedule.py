"""Reminder schedules: what `/forvaltning schema <när>` accepts, and when a schedule fires next.

Two ways to write one, told apart by the first character (a cron line starts with a digit or
`*`, the other form with a day):

- **Days and a time**: `mån 09:00`, `tis,tor 08:30`, `mån-fre 9.15`, `vardagar 09:00`,
  `dagligen 09:00`. Swedish or English day names, full or abbreviated, any case, with or without
  diacritics (`mån`, `man`, `Måndag`, `mon`, `Monday`); plurals (`måndagar`, `mondays`);
  the keywords `vardagar`/`weekdays` (Mon–Fri) and `dagligen`/`daily` (every day); ranges,
  wrapping over the weekend if written so (`fre-mån`); lists; an optional `kl`/`at` before a
  time written `H:MM`, `HH:MM` or `HH.MM`.
- **A five-field cron line**: minute, hour, day of month, month, day of week, with `*`, lists,
  ranges, steps (`*/15`, `0-30/5`), names (`mon`–`sun`, `jan`–`dec`), and 0 or 7 for Sunday.
  When both day fields are restricted a day matches if either does (Vixie cron). As in Vixie
  cron, a day field counts as unrestricted when it starts with `*`, so `*/2` in day of month
  with `1` in day of week means "odd days that are Mondays", not "odd days or Mondays".

Anything else raises `DomainError(BAD_SCHEDULE, text=<input>, hint=<what was wrong>)`, and
nothing else: arbitrary text cannot make the parser raise another exception.

Decisions
---------
- **Weekends and holidays**: an occurrence whose local date is not a business day moves to the
  next business day at the same local time. When several land on the same instant (Saturday,
  Sunday and Monday at 09:00 all become Monday 09:00) they are one occurrence. The occurrences
  form a fixed set of instants; `next_occurrence` returns the first strictly after `after`, so
  a Saturday occurrence that moved to Monday still counts when asked on Sunday.
- **DST**: wall times are resolved by `bot.domain.calendar.at_local`: a nonexistent time
  (02:30 on the spring-forward day) fires when the clocks jump (03:00 summer time), an ambiguous
  one (02:30 on the fall-back day) fires once, at its first occurrence (summer time). In Sweden
  both changes fall on a Sunday, which is never a business day, so for Europe/Stockholm this only
  matters in principle; it is tested with a zone that changes on a weekday.
- **A cron line that can never match** (`0 0 31 2 *`, `0 0 30 2 *`) is refused at parse time:
  with the day of month restricted and the day of week unrestricted (or the other way round),
  at least one listed day must exist in one of the listed months (29 February counts). Every
  line that passes occurs within 40 years of any instant (the rarest, 29 February on one
  weekday, skips a century year that is no leap year), so `next_occurrence` always returns a
  datetime. Its loop still stops after `HORIZON_YEARS`, raising BAD_SCHEDULE, so that a
  hand-built `Schedule` that never matches cannot hang a tick.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from bot.domain.calendar import STOCKHOLM, BusinessCalendar, at_local
from bot.domain.errors import DomainError, ErrorCode

MAX_LENGTH = 200
DEFAULT_SCHEDULE = "mån 09:00"  # a new project's reminders: Mondays at nine
HORIZON_YEARS = 50

_ALL_WEEKDAYS = frozenset(range(7))
_WORKWEEK = frozenset(range(5))
_ALL_DAYS_OF_MONTH = frozenset(range(1, 32))
_ALL_MONTHS = frozenset(range(1, 13))
# 29 February exists in some years, so a line asking for it is not "never".
_DAYS_IN_MONTH = dict(enumerate((31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), start=1))

_SV_ABBREVIATIONS = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")
_SV_PLURALS = ("måndagar", "tisdagar", "onsdagar", "torsdagar", "fredagar", "lördagar", "söndagar")
_EN_PLURALS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")

# Keys are folded (no diacritics, casefolded); values are date.weekday() numbers.
_DAY_NAMES: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "man mandag mon monday",
        "tis tisdag tue tues tuesday",
        "ons onsdag wed wednesday",
        "tor tors torsdag thu thur thurs thursday",
        "fre fredag fri friday",
        "lor lordag sat saturday",
        "son sondag sun sunday",
    )
):
    for _name in _names.split():
        _DAY_NAMES[_name] = _number
        _DAY_NAMES[_name + ("ar" if _name.endswith("dag") else "s")] = _number
_DAY_KEYWORDS: dict[str, frozenset[int]] = {
    "vardag": _WORKWEEK,
    "vardagar": _WORKWEEK,
    "weekday": _WORKWEEK,
    "weekdays": _WORKWEEK,
    "dagligen": _ALL_WEEKDAYS,
    "daily": _ALL_WEEKDAYS,
}
_FILLER_WORDS = frozenset({"kl", "kl.", "at", "och", "and"})

_CRON_WEEKDAYS = {
    name: n for n, name in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))
}
_CRON_MONTHS = {
    name: n + 1
    for n, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}

_TIME = re.compile(r"([0-9]{1,2})[:.]([0-9]{2})", re.ASCII)
_NUMBER = re.compile(r"[0-9]{1,4}", re.ASCII)
_SEPARATOR = re.compile(r"\s*([,-])\s*")

_SHAPE_HINT = "write days and a time, e.g. 'mån 09:00' or 'vardagar 08:30', or a cron line"
_DAY_HINT = "use mån, tis, ons, tor, fre, lör, sön, vardagar or dagligen (or their English names)"


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule. Two schedules are equal when their canonical `spec` is."""

    spec: str
    times: tuple[time, ...] = field(compare=False, repr=False)
    weekdays: frozenset[int] = field(compare=False, repr=False)
    days_of_month: frozenset[int] = field(default=_ALL_DAYS_OF_MONTH, compare=False, repr=False)
    months: frozenset[int] = field(default=_ALL_MONTHS, compare=False, repr=False)
    day_of_month_star: bool = field(default=True, compare=False, repr=False)
    day_of_week_star: bool = field(default=False, compare=False, repr=False)
    is_cron: bool = field(default=False, compare=False, repr=False)

    def matches_day(self, d: date) -> bool:
        """Whether local date `d` has occurrences, before they move onto business days."""
        if d.month not in self.months:
            return False
        by_month_day = d.day in self.days_of_month
        by_weekday = d.weekday() in self.weekdays
        if self.day_of_month_star or self.day_of_week_star:
            return by_month_day and by_weekday
        return by_month_day or by_weekday

    def describe(self, lang: str) -> str:
        """Short description, English if `lang` starts with "en", else Swedish."""
        if self.is_cron:
            return self.spec
        english = lang.lower().startswith("en")
        if self.weekdays == _ALL_WEEKDAYS:
            days = "daily" if english else "dagligen"
        elif self.weekdays == _WORKWEEK:
            days = "weekdays" if english else "vardagar"
        else:
            names = [(_EN_PLURALS if english else _SV_PLURALS)[n] for n in sorted(self.weekdays)]
            last = names.pop()
            days = f"{', '.join(names)} {'and' if english else 'och'} {last}" if names else last
        return f"{days} {self.times[0]:%H:%M}"


def parse_schedule(text: str) -> Schedule:
    """Parse what a user wrote; raise BAD_SCHEDULE with a hint if it is not a schedule."""
    line = " ".join(_fold(text).split())
    if not line:
        raise _bad(text, "the schedule is empty; " + _SHAPE_HINT)
    if len(line) > MAX_LENGTH:
        raise _bad(text[:MAX_LENGTH] + "…", f"a schedule is at most {MAX_LENGTH} characters")
    first = line.split()[0]
    if _TIME.fullmatch(first):
        raise _bad(text, "write the day before the time, e.g. 'mån 09:00'")
    if first[0] == "*" or (first[0].isascii() and first[0].isdigit()):
        return _parse_cron(text, line)
    return _parse_days_and_time(text, line)


def next_occurrence(
    schedule: Schedule,
    after: datetime,
    calendar: BusinessCalendar,
    tz: tzinfo = STOCKHOLM,
) -> datetime:
    """The first occurrence strictly after `after` (aware), in UTC, moved onto business days."""
    if after.tzinfo is None or after.utcoffset() is None:
        raise ValueError("after must be timezone-aware")
    after_local = after.astimezone(tz).date()
    # Days after the last business day before today can still roll forward to today or later.
    day = calendar.previous_business_day(after_local) + timedelta(days=1)
    limit = after_local + timedelta(days=366 * HORIZON_YEARS)
    while True:
        matching = _next_matching_day(schedule, day, limit)
        if matching is None:
            raise _bad(schedule.spec, f"the schedule does not occur within {HORIZON_YEARS} years")
        business_day = calendar.roll_forward(matching)
        # at_local is non-decreasing in the wall time, so the instants of one day are sorted.
        index = bisect_right(schedule.times, after, key=lambda t: at_local(business_day, t, tz))
        if index < len(schedule.times):
            return at_local(business_day, schedule.times[index], tz)
        day = business_day + timedelta(days=1)


def next_occurrences(
    schedule: Schedule,
    after: datetime,
    calendar: BusinessCalendar,
    n: int,
    tz: tzinfo = STOCKHOLM,
) -> list[datetime]:
    """The next `n` occurrences after `after`, in order."""
    found: list[datetime] = []
    for _ in range(n):
        after = next_occurrence(schedule, after, calendar, tz)
        found.append(after)
    return found


def _next_matching_day(schedule: Schedule, day: date, limit: date) -> date | None:
    while day <= limit:
        if day.month not in schedule.months:
            # Skipping whole months keeps a once-a-year line from walking every day.
            day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        elif schedule.matches_day(day):
            return day
        else:
            day += timedelta(days=1)
    return None


def _parse_days_and_time(text: str, line: str) -> Schedule:
    joined = _SEPARATOR.sub(r"\1", line.replace("–", "-").replace("—", "-"))
    words = [w for w in joined.split() if w not in _FILLER_WORDS]
    if len(words) < 2:
        raise _bad(text, _SHAPE_HINT)
    at = _parse_time(text, words[-1])
    weekdays: set[int] = set()
    for part in ",".join(words[:-1]).split(","):
        weekdays |= _parse_day_part(text, part)
    return _weekly(frozenset(weekdays), at)


def _weekly(weekdays: frozenset[int], at: time) -> Schedule:
    if weekdays == _ALL_WEEKDAYS:
        days = "dagligen"
    elif weekdays == _WORKWEEK:
        days = "vardagar"
    else:
        days = ",".join(_SV_ABBREVIATIONS[n] for n in sorted(weekdays))
    return Schedule(spec=f"{days} {at:%H:%M}", times=(at,), weekdays=weekdays)


def _parse_time(text: str, word: str) -> time:
    match = _TIME.fullmatch(word)
    if match is None:
        raise _bad(text, f"'{word}' is not a time; write it as HH:MM, e.g. 09:00")
    hour, minute = int(match[1]), int(match[2])
    if hour > 23:
        raise _bad(text, f"hour {hour} is out of range 0-23; write the time as HH:MM")
    if minute > 59:
        raise _bad(text, f"minute {minute} is out of range 0-59; write the time as HH:MM")
    return time(hour, minute)


def _parse_day_part(text: str, part: str) -> frozenset[int]:
    if part in _DAY_KEYWORDS:
        return _DAY_KEYWORDS[part]
    ends = part.split("-")
    if len(ends) > 2 or not all(ends):
        raise _bad(text, f"'{part}' is not a day or a range of days like mån-fre; {_DAY_HINT}")
    first, last = (_day_number(text, end) for end in (ends[0], ends[-1]))
    # A range written over the weekend (fre-mån) wraps round it.
    return frozenset((first + k) % 7 for k in range((last - first) % 7 + 1))


def _day_number(text: str, word: str) -> int:
    if word not in _DAY_NAMES:
        raise _bad(text, f"unknown day '{word}': {_DAY_HINT}")
    return _DAY_NAMES[word]


def _parse_cron(text: str, line: str) -> Schedule:
    fields = line.split()
    if len(fields) != 5:
        raise _bad(
            text,
            f"a cron line has five fields (minute hour day-of-month month day-of-week), "
            f"not {len(fields)}",
        )
    minute, hour, month_day, month, week_day = fields
    minutes = _cron_field(text, minute, "minute", 0, 59, {})
    hours = _cron_field(text, hour, "hour", 0, 23, {})
    days_of_month = _cron_field(text, month_day, "day of month", 1, 31, {})
    months = _cron_field(text, month, "month", 1, 12, _CRON_MONTHS)
    cron_weekdays = _cron_field(text, week_day, "day of week", 0, 7, _CRON_WEEKDAYS)
    schedule = Schedule(
        spec=" ".join(fields),
        times=tuple(time(h, m) for h in sorted(hours) for m in sorted(minutes)),
        # Cron counts Sunday as 0 or 7; date.weekday() counts Monday as 0.
        weekdays=frozenset((n - 1) % 7 for n in cron_weekdays),
        days_of_month=days_of_month,
        months=months,
        day_of_month_star=month_day.startswith("*"),
        day_of_week_star=week_day.startswith("*"),
        is_cron=True,
    )
    and_semantics = schedule.day_of_month_star or schedule.day_of_week_star
    if and_semantics and not any(d <= _DAYS_IN_MONTH[m] for m in months for d in days_of_month):
        raise _bad(text, "the cron line never matches: no listed day exists in a listed month")
    return schedule


def _cron_field(
    text: str, raw: str, name: str, low: int, high: int, names: dict[str, int]
) -> frozenset[int]:
    values: set[int] = set()
    for part in raw.split(","):
        base, slash, step_text = part.partition("/")
        step = 1
        if slash:
            if not _NUMBER.fullmatch(step_text) or int(step_text) == 0:
                raise _bad(text, f"{name}: the step after / must be a whole number from 1")
            step = int(step_text)
        if base == "*":
            first, last = low, high
        elif "-" in base:
            start, _, end = base.partition("-")
            first = _cron_value(text, start, name, low, high, names)
            last = _cron_value(text, end, name, low, high, names)
            if high == 7 and last == 0 < first:
                last = 7  # "fri-sun": Sunday closing a range is 7, not 0
            if first > last:
                raise _bad(text, f"{name}: the range {base} runs backwards")
        elif slash:
            raise _bad(text, f"{name}: a step needs * or a range before it, e.g. */15 or 0-30/5")
        else:
            first = last = _cron_value(text, base, name, low, high, names)
        values.update(range(first, last + 1, step))
    return frozenset(values)


def _cron_value(text: str, word: str, name: str, low: int, high: int, names: dict[str, int]) -> int:
    if word in names:
        return names[word]
    if not _NUMBER.fullmatch(word):
        raise _bad(text, f"{name}: '{word}' is not a number from {low} to {high}")
    value = int(word)
    if not low <= value <= high:
        raise _bad(text, f"{name} {value} is out of range {low}-{high}")
    return value


def _fold(text: str) -> str:
    """Casefolded, without diacritics: how day names are matched."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _bad(text: str, hint: str) -> DomainError:
    return DomainError(ErrorCode.BAD_SCHEDULE, text=text, hint=hint)
