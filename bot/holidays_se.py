"""The Swedish business calendar, from the `holidays` package.

Lives outside `bot.domain` because the domain imports no third-party package; the domain gets a
plain `BusinessCalendar` of dates.

Holidays are the PUBLIC and DE_FACTO categories: the public holidays plus midsommarafton,
julafton and nyårsafton, which the semesterlag (1977:480, 7 §) treats like Sundays. Sundays
themselves are left out of the holiday list (`include_sundays=False`); the calendar already knows
weekends. The years are computed once, up front, for a range wider than the bot will live, so a
lookup is a frozenset membership test and nothing mutates under Bolt's listener threads (the
`holidays` object would otherwise grow itself lazily on lookup).
"""

from __future__ import annotations

from functools import cache

import holidays

from bot.domain.calendar import BusinessCalendar

FIRST_YEAR = 2000
LAST_YEAR = 2100


@cache
def swedish_calendar() -> BusinessCalendar:
    """Swedish business days for FIRST_YEAR–LAST_YEAR (about 0.1 s, once per process)."""
    swedish = holidays.country_holidays(
        "SE",
        categories=(holidays.PUBLIC, holidays.DE_FACTO),
        include_sundays=False,
        years=range(FIRST_YEAR, LAST_YEAR + 1),
    )
    return BusinessCalendar(holidays=frozenset(swedish.keys()))
