from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.calendar import STOCKHOLM, BusinessCalendar, at_local
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.schedule import (
    MAX_LENGTH,
    Schedule,
    next_occurrence,
    next_occurrences,
    parse_schedule,
)
from tests.support.clock import CAIRO, SWEDEN, sthlm, utc

VALID_CASES: dict[str, tuple[str, str, str, str]] = {
    # id: (input, spec, Swedish description, English description)
    "monday": ("mån 09:00", "mån 09:00", "måndagar 09:00", "Mondays 09:00"),
    "monday-no-diacritics-upper": ("MAN 09:00", "mån 09:00", "måndagar 09:00", "Mondays 09:00"),
    "monday-full": ("Måndag 9:00", "mån 09:00", "måndagar 09:00", "Mondays 09:00"),
    "monday-full-plain": ("mandag 09.00", "mån 09:00", "måndagar 09:00", "Mondays 09:00"),
    "monday-plural-kl": ("måndagar kl 7.05", "mån 07:05", "måndagar 07:05", "Mondays 07:05"),
    "english-monday": ("Monday 09:00", "mån 09:00", "måndagar 09:00", "Mondays 09:00"),
    "list": (
        "tis,tor 08:30",
        "tis,tor 08:30",
        "tisdagar och torsdagar 08:30",
        "Tuesdays and Thursdays 08:30",
    ),
    "list-with-spaces": (
        "Tisdag, Torsdag 08:30",
        "tis,tor 08:30",
        "tisdagar och torsdagar 08:30",
        "Tuesdays and Thursdays 08:30",
    ),
    "english-list-and-at": (
        "mon, wed and fri at 17:00",
        "mån,ons,fre 17:00",
        "måndagar, onsdagar och fredagar 17:00",
        "Mondays, Wednesdays and Fridays 17:00",
    ),
    "weekend-names": (
        "lör,sön 10:00",
        "lör,sön 10:00",
        "lördagar och söndagar 10:00",
        "Saturdays and Sundays 10:00",
    ),
    "weekend-plain": (
        "lor,son 10:00",
        "lör,sön 10:00",
        "lördagar och söndagar 10:00",
        "Saturdays and Sundays 10:00",
    ),
    "vardagar": ("vardagar 09:00", "vardagar 09:00", "vardagar 09:00", "weekdays 09:00"),
    "weekdays": ("weekdays 8:30", "vardagar 08:30", "vardagar 08:30", "weekdays 08:30"),
    "range-is-vardagar": ("mån-fre 09:00", "vardagar 09:00", "vardagar 09:00", "weekdays 09:00"),
    "range-en-dash": ("mån – fre 09:00", "vardagar 09:00", "vardagar 09:00", "weekdays 09:00"),
    "range-over-weekend": (
        "fre-mån 10:00",
        "mån,fre,lör,sön 10:00",
        "måndagar, fredagar, lördagar och söndagar 10:00",
        "Mondays, Fridays, Saturdays and Sundays 10:00",
    ),
    "dagligen": ("dagligen 09:00", "dagligen 09:00", "dagligen 09:00", "daily 09:00"),
    "daily": ("Daily 23:59", "dagligen 23:59", "dagligen 23:59", "daily 23:59"),
    "midnight": ("sön 0:00", "sön 00:00", "söndagar 00:00", "Sundays 00:00"),
    "cron": ("0 9 * * 1-5", "0 9 * * 1-5", "0 9 * * 1-5", "0 9 * * 1-5"),
    "cron-names-and-spaces": (
        "  0  9 * JAN,jul MON-fri ",
        "0 9 * jan,jul mon-fri",
        "0 9 * jan,jul mon-fri",
        "0 9 * jan,jul mon-fri",
    ),
    "cron-steps": (
        "*/15 8-17/3 * * *",
        "*/15 8-17/3 * * *",
        "*/15 8-17/3 * * *",
        "*/15 8-17/3 * * *",
    ),
    "cron-sunday-seven": ("30 2 1,15 * 7", "30 2 1,15 * 7", "30 2 1,15 * 7", "30 2 1,15 * 7"),
    "cron-leap-day": ("0 0 29 2 *", "0 0 29 2 *", "0 0 29 2 *", "0 0 29 2 *"),
    "cron-impossible-date-or-monday": (
        "0 0 31 2 mon",
        "0 0 31 2 mon",
        "0 0 31 2 mon",
        "0 0 31 2 mon",
    ),
}


@pytest.mark.parametrize(("text", "spec", "sv", "en"), VALID_CASES.values(), ids=VALID_CASES.keys())
def test_parse_valid_schedules(text: str, spec: str, sv: str, en: str) -> None:
    schedule = parse_schedule(text)
    assert schedule.spec == spec
    assert schedule.describe("sv") == sv
    assert schedule.describe("en") == en
    assert parse_schedule(schedule.spec) == schedule


def test_equal_schedules_compare_by_spec() -> None:
    assert parse_schedule("Monday 9.00") == parse_schedule("mån 09:00")
    assert parse_schedule("mån-fre 09:00") == parse_schedule("vardagar 09:00")
    assert parse_schedule("mån 09:00") != parse_schedule("tis 09:00")


INVALID_CASES: dict[str, tuple[str, str]] = {
    # id: (input, a word the hint must contain)
    "hour-25": ("mån 25:00", "hour 25"),
    "minute-60": ("mån 09:60", "minute 60"),
    "unknown-day": ("xyz 09:00", "unknown day"),
    "three-fields": ("* * *", "five fields"),
    "six-fields": ("0 9 * * 1 2026", "five fields"),
    "minute-61": ("61 * * * *", "minute 61"),
    "hour-24": ("0 24 * * *", "hour 24"),
    "day-of-month-0": ("0 9 0 * *", "day of month 0"),
    "month-13": ("0 9 * 13 *", "month 13"),
    "day-of-week-8": ("0 9 * * 8", "day of week 8"),
    "bad-name": ("0 9 * * monday", "day of week"),
    "backwards-range": ("0 9 * * 5-1", "backwards"),
    "step-zero": ("*/0 * * * *", "step"),
    "step-on-a-value": ("5/15 * * * *", "step"),
    "empty-list-item": ("0 9,,10 * * *", "hour"),
    "empty": ("", "empty"),
    "blank": ("   \t ", "empty"),
    "day-only": ("mån", "a time"),
    "time-only-first": ("09:00 mån", "day before the time"),
    "no-time": ("mån fre", "not a time"),
    "time-without-minutes": ("mån 9", "not a time"),
    "empty-list-day": ("mån,,tis 09:00", "not a day"),
    "open-range": ("mån-,tis 09:00", "not a day"),
    "never-31-february": ("0 0 31 2 *", "never matches"),
    "never-30-february": ("0 0 30 2 *", "never matches"),
    "never-31-in-short-months": ("0 0 31 4,6,9,11 *", "never matches"),
    "too-long": ("mån " * 100 + "09:00", "at most"),
    "unicode-digits": ("mån ٠٩:٠٠", "not a time"),
}


@pytest.mark.parametrize(("text", "hint_word"), INVALID_CASES.values(), ids=INVALID_CASES.keys())
def test_parse_invalid_schedules(text: str, hint_word: str) -> None:
    with pytest.raises(DomainError) as raised:
        parse_schedule(text)
    assert raised.value.code is ErrorCode.BAD_SCHEDULE
    assert hint_word in raised.value.params["hint"]
    if len(text) <= MAX_LENGTH:
        assert raised.value.params["text"] == text


NEXT_CASES: dict[str, tuple[str, datetime, datetime]] = {
    # id: (spec, after, expected), all times in UTC
    "vardagar-over-jul": ("vardagar 09:00", sthlm(2026, 12, 23, 9), sthlm(2026, 12, 28, 9)),
    "vardagar-same-morning": ("vardagar 09:00", sthlm(2026, 12, 23, 8, 59), sthlm(2026, 12, 23, 9)),
    "vardagar-over-new-year": ("vardagar 09:00", sthlm(2026, 12, 30, 9), sthlm(2027, 1, 4, 9)),
    "vardagar-over-trettondagen": ("vardagar 09:00", sthlm(2026, 1, 5, 9), sthlm(2026, 1, 7, 9)),
    # 09:00 CET is 08:00 UTC on Friday; 09:00 CEST is 07:00 UTC on Monday.
    "spring-forward": ("vardagar 09:00", utc(2026, 3, 27, 8), utc(2026, 3, 30, 7)),
    # 09:00 CEST is 07:00 UTC on Friday; 09:00 CET is 08:00 UTC on Monday.
    "fall-back": ("vardagar 09:00", utc(2026, 10, 23, 7), utc(2026, 10, 26, 8)),
    "strictly-after": ("mån 09:00", sthlm(2026, 3, 16, 9), sthlm(2026, 3, 23, 9)),
    "langfredag-moves-past-annandag": ("fre 09:00", sthlm(2026, 4, 1), sthlm(2026, 4, 7, 9)),
    "annandag-pask-moves": ("mån 09:00", sthlm(2026, 4, 1), sthlm(2026, 4, 7, 9)),
    "midsommarafton-2026-moves": ("fre 09:00", sthlm(2026, 6, 18, 10), sthlm(2026, 6, 22, 9)),
    "midsommarafton-2027-moves": ("fre 09:00", sthlm(2027, 6, 24, 10), sthlm(2027, 6, 28, 9)),
    "kristi-himmelfard-moves": ("tor 09:00", sthlm(2026, 5, 13), sthlm(2026, 5, 15, 9)),
    "nationaldagen-2025-moves": ("fre 09:00", sthlm(2025, 6, 5), sthlm(2025, 6, 9, 9)),
    "nyarsdagen-moves": ("tor 09:00", sthlm(2026, 12, 30, 10), sthlm(2027, 1, 4, 9)),
    "saturday-moved-still-counts-on-sunday": (
        "lör 09:00",
        sthlm(2026, 6, 14, 12),
        sthlm(2026, 6, 15, 9),
    ),
    "monday-after-moved-saturday": ("lör 09:00", sthlm(2026, 6, 15, 9), sthlm(2026, 6, 22, 9)),
    "moved-before-after-does-not-count": (
        "lör 09:00",
        sthlm(2026, 6, 15, 9, 30),
        sthlm(2026, 6, 22, 9),
    ),
    "dagligen-over-midsommar": ("dagligen 09:00", sthlm(2026, 6, 18, 10), sthlm(2026, 6, 22, 9)),
    # Cron 30 2 * * *: Saturday 28 and Sunday 29 March (where 02:30 does not exist) are not
    # business days, so they move to Monday 02:30 CEST, which is Monday's own occurrence.
    "cron-night-over-spring-forward": (
        "30 2 * * *",
        sthlm(2026, 3, 27, 3),
        utc(2026, 3, 30, 0, 30),
    ),
    "cron-night-over-fall-back": ("30 2 * * *", sthlm(2026, 10, 23, 3), utc(2026, 10, 26, 1, 30)),
    "cron-quarter-hours": ("*/15 8-17 * * 1-5", sthlm(2026, 3, 16, 17, 45), sthlm(2026, 3, 17, 8)),
    "cron-quarter-hours-inside": (
        "*/15 8-17 * * 1-5",
        sthlm(2026, 3, 16, 9, 7),
        sthlm(2026, 3, 16, 9, 15),
    ),
    # Both day fields restricted: the 13th or a Friday (Friday 6 February 2026 comes first).
    "cron-or-semantics": ("0 9 13 * fri", sthlm(2026, 2, 1), sthlm(2026, 2, 6, 9)),
    # A day field starting with * is unrestricted: odd days that are Fridays (13 February).
    "cron-star-step-and": ("0 9 */2 * fri", sthlm(2026, 2, 1), sthlm(2026, 2, 13, 9)),
    "cron-sunday-as-7-moves": ("0 9 * * 7", sthlm(2026, 3, 10), sthlm(2026, 3, 16, 9)),
    "cron-leap-day-tuesday": ("0 0 29 2 *", utc(2026, 1, 1), sthlm(2028, 2, 29)),
    "cron-leap-day-sunday-moves": ("0 0 29 2 *", utc(2029, 1, 1), sthlm(2032, 3, 1)),
    # The month still restricts: Mondays in February (the 31st never comes).
    "cron-or-with-impossible-date": ("0 0 31 2 mon", sthlm(2026, 3, 16, 1), sthlm(2027, 2, 1)),
}


@pytest.mark.parametrize(("spec", "after", "expected"), NEXT_CASES.values(), ids=NEXT_CASES.keys())
def test_next_occurrence(spec: str, after: datetime, expected: datetime) -> None:
    result = next_occurrence(parse_schedule(spec), after, SWEDEN)
    assert result == expected
    assert result.tzinfo is UTC


def test_wall_time_stays_while_utc_moves_over_dst() -> None:
    schedule = parse_schedule("vardagar 09:00")
    spring = next_occurrences(schedule, sthlm(2026, 3, 26, 10), SWEDEN, 2)
    autumn = next_occurrences(schedule, sthlm(2026, 10, 22, 10), SWEDEN, 2)
    assert [t.hour for t in spring] == [8, 7]
    assert [t.hour for t in autumn] == [7, 8]
    assert {t.astimezone(STOCKHOLM).time() for t in spring + autumn} == {time(9)}


def test_next_occurrences_over_jul_and_new_year() -> None:
    assert next_occurrences(
        parse_schedule("vardagar 09:00"), sthlm(2026, 12, 22, 9), SWEDEN, 5
    ) == [
        sthlm(2026, 12, 23, 9),
        sthlm(2026, 12, 28, 9),
        sthlm(2026, 12, 29, 9),
        sthlm(2026, 12, 30, 9),
        sthlm(2027, 1, 4, 9),
    ]


def test_cron_or_semantics_lists_both_kinds_of_day() -> None:
    # January 2026: Fridays 2, 9, 16 and Tuesday the 13th.
    assert next_occurrences(parse_schedule("0 9 13 * 5"), sthlm(2026, 1, 1), SWEDEN, 4) == [
        sthlm(2026, 1, 2, 9),
        sthlm(2026, 1, 9, 9),
        sthlm(2026, 1, 13, 9),
        sthlm(2026, 1, 16, 9),
    ]


WEEKDAY_DST_CASES: dict[str, tuple[str, datetime, list[datetime]]] = {
    # Friday 28 April 2023, 00:00 → 01:00: 00:30 fires when the clocks jump (22:00 UTC).
    "gap-fires-at-the-jump": (
        "30 0 * * *",
        utc(2023, 4, 26, 12),
        [utc(2023, 4, 26, 22, 30), utc(2023, 4, 27, 22), utc(2023, 4, 30, 21, 30)],
    ),
    # 00:00, 00:15, 00:30, 00:45 and 01:00 all land on the jump: one occurrence.
    "gap-collapses-into-one": (
        "*/15 0-1 * * *",
        utc(2023, 4, 27, 21, 50),
        [utc(2023, 4, 27, 22), utc(2023, 4, 27, 22, 15), utc(2023, 4, 27, 22, 30)],
    ),
    # Thursday 26 October 2023, 24:00 → 23:00: 23:30 fires once, at its first (EEST) instant.
    "fold-fires-once": (
        "30 23 * * *",
        utc(2023, 10, 26, 12),
        [utc(2023, 10, 26, 20, 30), utc(2023, 10, 27, 21, 30), utc(2023, 10, 30, 21, 30)],
    ),
}


@pytest.mark.parametrize(
    ("spec", "after", "expected"), WEEKDAY_DST_CASES.values(), ids=WEEKDAY_DST_CASES.keys()
)
def test_dst_on_a_business_day(spec: str, after: datetime, expected: list[datetime]) -> None:
    schedule = parse_schedule(spec)
    assert next_occurrences(schedule, after, BusinessCalendar(), len(expected), CAIRO) == expected


def test_rarest_parsed_schedule_is_within_the_horizon() -> None:
    # 29 February on a Sunday: 2088, then 2128 (2100 is no leap year): 40 years apart.
    schedule = parse_schedule("0 0 29 2 */7")
    assert next_occurrence(schedule, utc(2089, 1, 1), SWEDEN) == sthlm(2128, 3, 1)


def test_a_schedule_that_never_occurs_gives_up() -> None:
    # Only a hand-built Schedule can get here; parse_schedule refuses lines that never match.
    schedule = Schedule(spec="0 9 * * -", times=(time(9),), weekdays=frozenset())
    with pytest.raises(DomainError) as raised:
        next_occurrence(schedule, utc(2026, 1, 1), SWEDEN)
    assert raised.value.code is ErrorCode.BAD_SCHEDULE


def test_naive_after_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_occurrence(parse_schedule("mån 09:00"), datetime(2026, 1, 1), SWEDEN)  # noqa: DTZ001


SCHEDULE_TOKENS = st.sampled_from(
    [
        "mån", "Tis", "ONS", "tor", "fredag", "lördagar", "son", "mon", "friday", "sundays",
        "vardagar", "dagligen", "weekdays", "daily", "kl", "at", "och", "-", ",", "–",
        "09:00", "9.30", "25:00", "23:59", "0:0", "*", "*/15", "*/0", "1-5", "5-1", "0", "7",
        "8", "13", "31", "2", "feb", "jan-dec", "mon-sun", "sun", "/", "1,2", "", " ", "\t",
        "å", "\u0308", "¨", "٣", "²", "İ", "ß", "\x00",
    ]
)  # fmt: skip
SCHEDULE_LIKE_TEXT = st.lists(SCHEDULE_TOKENS, max_size=7).map(" ".join) | st.lists(
    SCHEDULE_TOKENS, max_size=7
).map("".join)


@settings(max_examples=300)
@given(st.text() | SCHEDULE_LIKE_TEXT)
def test_parse_schedule_only_ever_raises_bad_schedule(text: str) -> None:
    outcome = parse_or_error(text)
    if isinstance(outcome, DomainError):
        assert outcome.code is ErrorCode.BAD_SCHEDULE
        assert outcome.params["hint"]
    else:
        assert parse_schedule(outcome.spec) == outcome
        assert outcome.describe("sv")
        assert outcome.describe("en")


def parse_or_error(text: str) -> Schedule | DomainError:
    try:
        return parse_schedule(text)
    except DomainError as error:
        return error


WEEKLY_SCHEDULES = st.builds(
    lambda days, hour, minute: f"{','.join(days)} {hour}:{minute:02d}",
    # At most 14 days keep the text under the 200-character limit the parser enforces.
    st.lists(
        st.sampled_from(["mån", "tis", "ons", "tor", "fre", "lör", "sön"]), min_size=1, max_size=14
    ),
    st.integers(0, 23),
    st.integers(0, 59),
)
CRON_SCHEDULES = st.builds(
    lambda minute, hour, month_day, week_day: f"{minute} {hour} {month_day} * {week_day}",
    st.sampled_from(["0", "30", "*/20", "0,45"]),
    st.sampled_from(["2", "9", "8-10", "*/8", "23"]),
    st.sampled_from(["*", "1", "13", "1-7", "*/3", "31"]),
    st.sampled_from(["*", "1-5", "0", "7", "5", "sat,sun", "*/2"]),
)
AFTER = st.datetimes(
    min_value=utc(2000, 1, 1).replace(tzinfo=None),
    max_value=utc(2095, 1, 1).replace(tzinfo=None),
    timezones=st.just(UTC),
)


def reference_next(schedule: Schedule, after: datetime, until: datetime) -> datetime | None:
    """By brute force: every occurrence moved to its business day, the first after `after`."""
    day = after.astimezone(STOCKHOLM).date() - timedelta(days=40)
    last = until.astimezone(STOCKHOLM).date()
    instants = set()
    while day <= last:
        if schedule.matches_day(day):
            moved = SWEDEN.roll_forward(day)
            instants |= {at_local(moved, t) for t in schedule.times}
        day += timedelta(days=1)
    later = sorted(i for i in instants if i > after)
    return later[0] if later else None


@settings(max_examples=120, deadline=None)
@given(WEEKLY_SCHEDULES | CRON_SCHEDULES, AFTER)
def test_occurrences_increase_on_business_days_at_the_local_time(
    text: str, after: datetime
) -> None:
    schedule = parse_schedule(text)
    occurrences = next_occurrences(schedule, after, SWEDEN, 4)
    assert after < occurrences[0]
    assert all(a < b for a, b in pairwise(occurrences))
    for occurrence in occurrences:
        local = occurrence.astimezone(STOCKHOLM)
        assert occurrence.tzinfo is UTC
        assert SWEDEN.is_business_day(local.date())
        assert local.time() in schedule.times
    if occurrences[0] - after < timedelta(days=60):
        assert reference_next(schedule, after, occurrences[0]) == occurrences[0]


def test_hypothesis_dates_reach_real_holidays() -> None:
    # The property above is only meaningful if the calendar it draws from has holidays in range.
    assert date(2094, 12, 24) in SWEDEN.holidays
