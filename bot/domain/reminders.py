"""Who is reminded of what at a schedule's occurrence, and when an overdue activity escalates.

Pure: the activities come in as plain facts, the time and the business calendar as parameters.

Decisions
---------
- An owner is reminded of their activities that are neither done nor not applicable, unless the
  owner pressed *Skjut upp* and the snooze reaches past the occurrence. An activity without an
  owner reminds nobody; it still shows in the channel's digest when overdue or blocked.
- *Due soon* means due today or within `DUE_SOON_BUSINESS_DAYS` business days; *overdue* means
  the due date is before today (Swedish local date).
- *Escalation*: an activity still open `ESCALATE_AFTER_BUSINESS_DAYS` business days after its
  due date is escalated to the projektledare once per due date, at `ESCALATION_TIME` local on
  that business day. Moving the due date re-arms it; the same due date never escalates twice.
- The channel digest lists overdue and blocked activities, and is only sent when there is one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

from bot.domain.activities import FINISHED, ActivityStatus
from bot.domain.calendar import BusinessCalendar, at_local
from bot.domain.phase import ActivityDef
from bot.domain.schedule import Schedule

DUE_SOON_BUSINESS_DAYS = 3
ESCALATE_AFTER_BUSINESS_DAYS = 2
ESCALATION_TIME = time(9, 0)


class Urgency(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    LATER = "later"


def urgency(due: date | None, today: date, calendar: BusinessCalendar) -> Urgency:
    if due is None:
        return Urgency.LATER
    if due < today:
        return Urgency.OVERDUE
    if calendar.business_days_between(today, due) <= DUE_SOON_BUSINESS_DAYS:
        return Urgency.DUE_SOON
    return Urgency.LATER


def escalation_at(due: date, calendar: BusinessCalendar) -> datetime:
    """When an activity due on `due` and still open is escalated to the projektledare."""
    return at_local(calendar.add_business_days(due, ESCALATE_AFTER_BUSINESS_DAYS), ESCALATION_TIME)


@dataclass(frozen=True, slots=True)
class ActivityFacts:
    id: int
    status: ActivityStatus
    owner_id: str | None
    due: date | None
    snoozed_until: datetime | None = None

    @property
    def open(self) -> bool:
        return self.status not in FINISHED


@dataclass(frozen=True, slots=True)
class OccurrencePlan:
    """What one occurrence of a project's schedule sends: activity ids per owner, the digest."""

    reminders: dict[str, tuple[int, ...]] = field(default_factory=dict)
    digest: tuple[int, ...] = ()


def plan_occurrence(
    activities: Sequence[ActivityFacts], at: datetime, today: date
) -> OccurrencePlan:
    """The reminders and digest of an occurrence at `at` (local date `today`).

    `activities` come in template order, which is the order the owner reads them in.
    """
    by_owner: dict[str, list[int]] = {}
    for a in activities:
        if not a.open or a.owner_id is None:
            continue
        if a.snoozed_until is not None and a.snoozed_until > at:
            continue
        by_owner.setdefault(a.owner_id, []).append(a.id)
    return OccurrencePlan(
        reminders={owner: tuple(ids) for owner, ids in by_owner.items()},
        digest=tuple(needs_attention(activities, today)),
    )


def in_digest(status: ActivityStatus, due: date | None, today: date) -> bool:
    """Whether the channel digest lists an activity: open and overdue, or blocked."""
    overdue = status not in FINISHED and due is not None and due < today
    return overdue or status is ActivityStatus.BLOCKED


def needs_attention(activities: Iterable[ActivityFacts], today: date) -> Iterable[int]:
    """The ids the channel digest lists at an occurrence."""
    for a in activities:
        if in_digest(a.status, a.due, today):
            yield a.id


def still_in_digest(items: Iterable[ReminderItem], today: date) -> tuple[ReminderItem, ...]:
    """The items of a queued digest that still count when it is sent (some may be done by now)."""
    return tuple(i for i in items if in_digest(i.status, i.due, today))


def should_escalate(activity: ActivityFacts, escalated_due: date | None) -> bool:
    """Whether an activity whose escalation time has come is escalated now."""
    return activity.open and activity.due is not None and activity.due != escalated_due


@dataclass(frozen=True, slots=True)
class ReminderItem:
    """One activity as a reminder, digest or escalation shows it, in its current state."""

    activity_id: int
    definition: ActivityDef
    status: ActivityStatus
    owner_id: str | None
    due: date | None
    urgency: Urgency
    snoozed_until: datetime | None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


@dataclass(frozen=True, slots=True)
class ReminderView:
    project_name: str
    channel_id: str
    lead_id: str
    items: tuple[ReminderItem, ...]

    @property
    def open_items(self) -> tuple[ReminderItem, ...]:
        return tuple(i for i in self.items if not i.finished)


@dataclass(frozen=True, slots=True)
class ScheduleSet:
    """The confirmation of `schema`: the schedule as the bot reads it and its next times."""

    project_name: str
    schedule: Schedule
    upcoming: tuple[datetime, ...]
    changed: bool
