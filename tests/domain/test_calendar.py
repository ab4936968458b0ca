from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.calendar import (
    STOCKHOLM,
    BusinessCalendar,
    at_local,
    default_vote_deadline,
    into_business_hours,
    local_date,
    snooze_until,
)
from bot.holidays_se import FIRST_YEAR, LAST_YEAR, swedish_calendar
from tests.support.clock import CAIRO, SWEDEN, sthlm, utc

BUSINESS_DAY_CASES: dict[str, tuple[date, bool]] = {
    "midsommarafton-2026": (date(2026, 6, 19), False),
    "day-before-midsommarafton-2026": (date(2026, 6, 18), True),
    "midsommarafton-2027": (date(2027, 6, 25), False),
    "julafton-2026": (date(2026, 12, 24), False),
    "juldagen-2026": (date(2026, 12, 25), False),
    "annandag-jul-2025": (date(2025, 12, 26), False),
    "mellandagar-2026": (date(2026, 12, 28), True),
    "nyarsafton-2026": (date(2026, 12, 31), False),
    "nyarsdagen-2027": (date(2027, 1, 1), False),
    "trettondagsafton-is-a-working-day": (date(2026, 1, 5), True),
    "trettondagen-2026": (date(2026, 1, 6), False),
    "skartorsdagen-is-a-working-day": (date(2026, 4, 2), True),
    "langfredagen-2026": (date(2026, 4, 3), False),
    "annandag-pask-2026": (date(2026, 4, 6), False),
    "valborg-is-a-working-day": (date(2026, 4, 30), True),
    "forsta-maj-2026": (date(2026, 5, 1), False),
    "kristi-himmelfard-2026": (date(2026, 5, 14), False),
    "nationaldagen-2025-friday": (date(2025, 6, 6), False),
    "allhelgonaafton-is-a-working-day": (date(2026, 10, 30), True),
    "plain-saturday": (date(2026, 3, 14), False),
    "plain-sunday": (date(2026, 3, 15), False),
    "plain-monday": (date(2026, 3, 16), True),
    "first-covered-year": (date(FIRST_YEAR, 1, 6), False),
    "last-covered-year": (date(LAST_YEAR, 12, 24), False),
}


@pytest.mark.parametrize(
    ("day", "expected"), BUSINESS_DAY_CASES.values(), ids=BUSINESS_DAY_CASES.keys()
)
def test_is_business_day_in_sweden(day: date, expected: bool) -> None:
    assert SWEDEN.is_business_day(day) is expected


@pytest.mark.parametrize(
    "day",
    [date(2026, 3, 1), date(2026, 3, 8), date(2027, 8, 15)],
    ids=["sunday-1", "sunday-2", "sunday-3"],
)
def test_plain_sundays_are_weekend_not_listed_holidays(day: date) -> None:
    assert day not in SWEDEN.holidays
    assert not SWEDEN.is_business_day(day)


def test_swedish_calendar_is_built_once() -> None:
    assert swedish_calendar() is SWEDEN


STEP_CASES: dict[str, tuple[date, date, date, date]] = {
    # id: (day, next_business_day, previous_business_day, roll_forward)
    "midsommar-weekend": (
        date(2026, 6, 19),
        date(2026, 6, 22),
        date(2026, 6, 18),
        date(2026, 6, 22),
    ),
    "before-jul": (date(2026, 12, 23), date(2026, 12, 28), date(2026, 12, 22), date(2026, 12, 23)),
    "mellandagar-to-new-year": (
        date(2026, 12, 30),
        date(2027, 1, 4),
        date(2026, 12, 29),
        date(2026, 12, 30),
    ),
    "easter": (date(2026, 4, 2), date(2026, 4, 7), date(2026, 4, 1), date(2026, 4, 2)),
    "after-easter": (date(2026, 4, 7), date(2026, 4, 8), date(2026, 4, 2), date(2026, 4, 7)),
    "ascension": (date(2026, 5, 14), date(2026, 5, 15), date(2026, 5, 13), date(2026, 5, 15)),
    "saturday": (date(2026, 3, 14), date(2026, 3, 16), date(2026, 3, 13), date(2026, 3, 16)),
}


@pytest.mark.parametrize(
    ("day", "next_day", "previous_day", "rolled"), STEP_CASES.values(), ids=STEP_CASES.keys()
)
def test_stepping_between_business_days(
    day: date, next_day: date, previous_day: date, rolled: date
) -> None:
    assert SWEDEN.next_business_day(day) == next_day
    assert SWEDEN.previous_business_day(day) == previous_day
    assert SWEDEN.roll_forward(day) == rolled


ADD_CASES: dict[str, tuple[date, int, date]] = {
    "zero-is-the-same-day": (date(2026, 3, 14), 0, date(2026, 3, 14)),
    "one-from-friday": (date(2026, 3, 13), 1, date(2026, 3, 16)),
    "one-from-saturday": (date(2026, 3, 14), 1, date(2026, 3, 16)),
    "five-over-midsommar": (date(2026, 6, 17), 5, date(2026, 6, 25)),
    "three-over-jul": (date(2026, 12, 22), 3, date(2026, 12, 29)),
    "back-over-easter": (date(2026, 4, 7), -1, date(2026, 4, 2)),
    "back-two-over-new-year": (date(2027, 1, 4), -2, date(2026, 12, 29)),
}


@pytest.mark.parametrize(("day", "n", "expected"), ADD_CASES.values(), ids=ADD_CASES.keys())
def test_add_business_days(day: date, n: int, expected: date) -> None:
    assert SWEDEN.add_business_days(day, n) == expected


BETWEEN_CASES: dict[str, tuple[date, date, int]] = {
    "same-day": (date(2026, 3, 16), date(2026, 3, 16), 0),
    "overdue-by-two": (date(2026, 3, 16), date(2026, 3, 18), 2),
    "friday-to-monday": (date(2026, 3, 13), date(2026, 3, 16), 1),
    "saturday-to-sunday": (date(2026, 3, 14), date(2026, 3, 15), 0),
    "due-within-three-over-jul": (date(2026, 12, 22), date(2026, 12, 29), 3),
    "whole-jul-and-new-year": (date(2026, 12, 23), date(2027, 1, 7), 6),
    "due-date-passed": (date(2026, 3, 18), date(2026, 3, 16), -2),
    "easter-backwards": (date(2026, 4, 7), date(2026, 4, 2), -1),
}


@pytest.mark.parametrize(("a", "b", "expected"), BETWEEN_CASES.values(), ids=BETWEEN_CASES.keys())
def test_business_days_between(a: date, b: date, expected: int) -> None:
    assert SWEDEN.business_days_between(a, b) == expected
    assert SWEDEN.business_days_between(b, a) == -expected


DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 1))


@settings(max_examples=60)
@given(DAYS, st.integers(min_value=0, max_value=40))
def test_adding_then_counting_gives_back_n(day: date, n: int) -> None:
    later = SWEDEN.add_business_days(day, n)
    assert SWEDEN.business_days_between(day, later) == n
    if n > 0:
        assert SWEDEN.is_business_day(later)


@settings(max_examples=60)
@given(DAYS, st.integers(min_value=-40, max_value=-1))
def test_going_back_from_a_business_day_is_the_inverse(day: date, n: int) -> None:
    day = SWEDEN.roll_forward(day)
    earlier = SWEDEN.add_business_days(day, n)
    assert SWEDEN.business_days_between(day, earlier) == n
    assert SWEDEN.add_business_days(earlier, -n) == day


def test_empty_calendar_knows_only_weekends() -> None:
    plain = BusinessCalendar()
    assert plain.is_business_day(date(2026, 12, 24))
    assert not plain.is_business_day(date(2026, 12, 26))


AT_LOCAL_CASES: dict[str, tuple[date, time, ZoneInfo, datetime]] = {
    "winter": (date(2026, 1, 15), time(9, 0), STOCKHOLM, utc(2026, 1, 15, 8)),
    "summer": (date(2026, 7, 15), time(9, 0), STOCKHOLM, utc(2026, 7, 15, 7)),
    "spring-forward-before-gap": (
        date(2026, 3, 29),
        time(1, 59),
        STOCKHOLM,
        utc(2026, 3, 29, 0, 59),
    ),
    # 02:00–02:59 do not exist on 29 March 2026: they fire when the clocks jump, at 03:00 CEST.
    "spring-forward-gap-start": (date(2026, 3, 29), time(2, 0), STOCKHOLM, utc(2026, 3, 29, 1)),
    "spring-forward-gap": (date(2026, 3, 29), time(2, 30), STOCKHOLM, utc(2026, 3, 29, 1)),
    "spring-forward-after-gap": (date(2026, 3, 29), time(3, 0), STOCKHOLM, utc(2026, 3, 29, 1)),
    "spring-forward-later": (date(2026, 3, 29), time(3, 15), STOCKHOLM, utc(2026, 3, 29, 1, 15)),
    # 02:00–02:59 happen twice on 25 October 2026: the first time, still CEST, is taken.
    "fall-back-fold": (date(2026, 10, 25), time(2, 30), STOCKHOLM, utc(2026, 10, 25, 0, 30)),
    "fall-back-after-fold": (date(2026, 10, 25), time(3, 0), STOCKHOLM, utc(2026, 10, 25, 2)),
    "cairo-gap-on-a-friday": (date(2023, 4, 28), time(0, 30), CAIRO, utc(2023, 4, 27, 22)),
    "cairo-fold-on-a-thursday": (
        date(2023, 10, 26),
        time(23, 30),
        CAIRO,
        utc(2023, 10, 26, 20, 30),
    ),
}


@pytest.mark.parametrize(
    ("day", "wall", "tz", "expected"), AT_LOCAL_CASES.values(), ids=AT_LOCAL_CASES.keys()
)
def test_at_local(day: date, wall: time, tz: ZoneInfo, expected: datetime) -> None:
    result = at_local(day, wall, tz)
    assert result == expected
    assert result.tzinfo is UTC


@settings(max_examples=80)
@given(
    DAYS,
    st.times(),
    st.times(),
    st.sampled_from([STOCKHOLM, CAIRO, ZoneInfo("America/New_York")]),
)
def test_at_local_keeps_wall_time_order(day: date, a: time, b: time, tz: ZoneInfo) -> None:
    early, late = sorted((a.replace(microsecond=0), b.replace(microsecond=0)))
    assert at_local(day, early, tz) <= at_local(day, late, tz)
    # An instant at_local returns is on that local day, and keeps its wall time unless skipped.
    local = at_local(day, early, tz).astimezone(tz)
    assert local.date() == day
    assert local.time() >= early


SNOOZE_CASES: dict[str, tuple[datetime, datetime]] = {
    "thursday-before-midsommar": (sthlm(2026, 6, 18, 14), sthlm(2026, 6, 22, 9)),
    "late-utc-is-already-midsommarafton-locally": (utc(2026, 6, 18, 23, 30), sthlm(2026, 6, 22, 9)),
    "before-jul": (sthlm(2026, 12, 23, 8), sthlm(2026, 12, 28, 9)),
    "saturday": (sthlm(2026, 3, 14, 12), sthlm(2026, 3, 16, 9)),
    "friday-before-spring-forward": (sthlm(2026, 3, 27, 16), utc(2026, 3, 30, 7)),
    "monday-morning": (sthlm(2026, 3, 16, 7), sthlm(2026, 3, 17, 9)),
}


@pytest.mark.parametrize(("now", "expected"), SNOOZE_CASES.values(), ids=SNOOZE_CASES.keys())
def test_snooze_until(now: datetime, expected: datetime) -> None:
    assert snooze_until(now, SWEDEN) == expected


VOTE_DEADLINE_CASES: dict[str, tuple[datetime, datetime]] = {
    "over-midsommar": (sthlm(2026, 6, 15, 10), sthlm(2026, 6, 23, 17)),
    "over-spring-forward": (sthlm(2026, 3, 23, 10), utc(2026, 3, 30, 15)),
    "over-jul-and-new-year": (sthlm(2026, 12, 23, 10), utc(2027, 1, 5, 16)),
    "from-a-sunday": (sthlm(2026, 3, 15, 10), sthlm(2026, 3, 20, 17)),
}


@pytest.mark.parametrize(
    ("now", "expected"), VOTE_DEADLINE_CASES.values(), ids=VOTE_DEADLINE_CASES.keys()
)
def test_default_vote_deadline(now: datetime, expected: datetime) -> None:
    assert default_vote_deadline(now, SWEDEN) == expected


BUSINESS_HOURS_CASES: dict[str, tuple[datetime, datetime]] = {
    "inside-stays": (sthlm(2026, 6, 16, 10), sthlm(2026, 6, 16, 10)),
    "opening-is-inside": (sthlm(2026, 6, 16, 8), sthlm(2026, 6, 16, 8)),
    "closing-is-inside": (sthlm(2026, 6, 16, 17), sthlm(2026, 6, 16, 17)),
    "evening-goes-to-same-day-16": (sthlm(2026, 6, 16, 17, 1), sthlm(2026, 6, 16, 16)),
    "early-morning-goes-to-day-before": (sthlm(2026, 6, 16, 7, 59), sthlm(2026, 6, 15, 16)),
    "monday-morning-goes-to-friday": (sthlm(2026, 6, 15, 7), sthlm(2026, 6, 12, 16)),
    "saturday-goes-to-thursday-before-midsommar": (sthlm(2026, 6, 20, 12), sthlm(2026, 6, 18, 16)),
    "midsommarafton-goes-to-thursday": (sthlm(2026, 6, 19, 10), sthlm(2026, 6, 18, 16)),
    "after-easter-goes-to-skartorsdagen": (sthlm(2026, 4, 7, 7), sthlm(2026, 4, 2, 16)),
    "spring-forward-sunday-goes-to-friday": (utc(2026, 3, 29, 1, 30), sthlm(2026, 3, 27, 16)),
}


@pytest.mark.parametrize(
    ("instant", "expected"), BUSINESS_HOURS_CASES.values(), ids=BUSINESS_HOURS_CASES.keys()
)
def test_into_business_hours(instant: datetime, expected: datetime) -> None:
    assert into_business_hours(instant, SWEDEN) == expected


@settings(max_examples=80)
@given(
    st.datetimes(
        min_value=utc(2001, 1, 1).replace(tzinfo=None),
        max_value=utc(2099, 1, 1).replace(tzinfo=None),
        timezones=st.just(UTC),
    )
)
def test_into_business_hours_never_moves_later(instant: datetime) -> None:
    moved = into_business_hours(instant, SWEDEN)
    local = moved.astimezone(STOCKHOLM)
    assert moved <= instant
    assert SWEDEN.is_business_day(local.date())
    assert time(8) <= local.time() <= time(17)
    assert instant - moved < timedelta(days=30)


@pytest.mark.parametrize(
    "call",
    [
        lambda: local_date(datetime(2026, 1, 1, 12), STOCKHOLM),  # noqa: DTZ001
        lambda: snooze_until(datetime(2026, 1, 1, 12), SWEDEN),  # noqa: DTZ001
        lambda: into_business_hours(datetime(2026, 1, 1, 12), SWEDEN),  # noqa: DTZ001
    ],
    ids=["local_date", "snooze_until", "into_business_hours"],
)
def test_naive_datetimes_are_refused(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        call()
