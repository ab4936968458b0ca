"""Who is reminded of what, what is due soon, when an overdue activity escalates."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.activities import ActivityStatus
from bot.domain.reminders import (
    ActivityFacts,
    Urgency,
    escalation_at,
    in_digest,
    plan_occurrence,
    should_escalate,
    urgency,
)
from tests.support.clock import SWEDEN, sthlm

MONDAY_9 = sthlm(2026, 11, 23, 9)
TODAY = date(2026, 11, 23)


def facts(
    id: int,
    status: ActivityStatus = ActivityStatus.NOT_STARTED,
    owner: str | None = "U1",
    due: date | None = None,
    snoozed: tuple[int, int, int, int] | None = None,
) -> ActivityFacts:
    return ActivityFacts(
        id=id,
        status=status,
        owner_id=owner,
        due=due,
        snoozed_until=sthlm(*snoozed) if snoozed else None,
    )


def test_each_owner_gets_their_open_activities_in_template_order() -> None:
    plan = plan_occurrence(
        [
            facts(1, owner="U1"),
            facts(2, ActivityStatus.DONE, owner="U1"),
            facts(3, ActivityStatus.IN_PROGRESS, owner="U2"),
            facts(4, ActivityStatus.NOT_APPLICABLE, owner="U2"),
            facts(5, ActivityStatus.BLOCKED, owner="U1"),
            facts(6, owner=None),
        ],
        MONDAY_9,
        TODAY,
    )
    assert plan.reminders == {"U1": (1, 5), "U2": (3,)}


def test_an_owner_with_only_finished_activities_gets_nothing() -> None:
    plan = plan_occurrence(
        [facts(1, ActivityStatus.DONE), facts(2, ActivityStatus.NOT_APPLICABLE)], MONDAY_9, TODAY
    )
    assert plan.reminders == {}
    assert plan.digest == ()


def test_a_snooze_past_the_occurrence_leaves_the_activity_out_until_it_runs_out() -> None:
    snoozed = [facts(1, snoozed=(2026, 11, 24, 9)), facts(2)]
    assert plan_occurrence(snoozed, MONDAY_9, TODAY).reminders == {"U1": (2,)}
    tuesday = sthlm(2026, 11, 24, 9)
    assert plan_occurrence(snoozed, tuesday, date(2026, 11, 24)).reminders == {"U1": (1, 2)}


def test_digest_lists_overdue_and_blocked_even_without_owner() -> None:
    plan = plan_occurrence(
        [
            facts(1, due=date(2026, 11, 20), owner=None),  # overdue
            facts(2, due=date(2026, 11, 23)),  # due today: not overdue
            facts(3, ActivityStatus.BLOCKED),
            facts(4, ActivityStatus.DONE, due=date(2026, 11, 1)),  # finished: never overdue
        ],
        MONDAY_9,
        TODAY,
    )
    assert plan.digest == (1, 3)


@pytest.mark.parametrize(
    ("status", "due", "expected"),
    [
        (ActivityStatus.IN_PROGRESS, date(2026, 11, 20), True),  # overdue
        (ActivityStatus.IN_PROGRESS, TODAY, False),  # due today is not overdue
        (ActivityStatus.NOT_STARTED, None, False),
        (ActivityStatus.BLOCKED, None, True),
        (ActivityStatus.BLOCKED, date(2026, 12, 1), True),
        (ActivityStatus.DONE, date(2026, 11, 1), False),  # done since the digest was queued
        (ActivityStatus.NOT_APPLICABLE, date(2026, 11, 1), False),
    ],
)
def test_what_the_digest_still_lists_when_sent(
    status: ActivityStatus, due: date | None, expected: bool
) -> None:
    assert in_digest(status, due, TODAY) is expected


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (None, Urgency.LATER),
        (date(2026, 11, 20), Urgency.OVERDUE),
        (date(2026, 11, 23), Urgency.DUE_SOON),
        (date(2026, 11, 26), Urgency.DUE_SOON),  # three business days ahead
        (date(2026, 11, 27), Urgency.LATER),  # four
        (date(2026, 12, 23), Urgency.LATER),
    ],
)
def test_urgency(due: date | None, expected: Urgency) -> None:
    assert urgency(due, TODAY, SWEDEN) is expected


def test_due_soon_counts_business_days_over_jul() -> None:
    # From 23 December, 24–26 are julafton, juldagen, annandag jul: the 29th is 2 business days on.
    assert urgency(date(2026, 12, 29), date(2026, 12, 23), SWEDEN) is Urgency.DUE_SOON
    assert urgency(date(2027, 1, 4), date(2026, 12, 23), SWEDEN) is Urgency.LATER


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (date(2026, 11, 20), sthlm(2026, 11, 24, 9)),  # Friday → Tuesday, over the weekend
        (date(2026, 6, 17), sthlm(2026, 6, 22, 9)),  # Wed → Mon: midsommarafton is no workday
        (date(2026, 12, 22), sthlm(2026, 12, 28, 9)),  # over julafton and juldagarna
    ],
)
def test_escalation_two_business_days_after_the_due_date(due: date, expected: object) -> None:
    assert escalation_at(due, SWEDEN) == expected


def test_escalation_once_per_due_date_and_only_while_open() -> None:
    due = date(2026, 11, 20)
    assert should_escalate(facts(1, due=due), escalated_due=None)
    assert not should_escalate(facts(1, due=due), escalated_due=due)
    assert should_escalate(facts(1, due=date(2026, 11, 27)), escalated_due=due)
    assert not should_escalate(facts(1, ActivityStatus.DONE, due=due), escalated_due=None)
    assert not should_escalate(facts(1, due=None), escalated_due=None)
