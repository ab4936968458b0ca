"""Reminders: the schedule command, `påminn`, Skjut upp, and what a reminder DM shows.

The tick's share (schedules that came round, snoozes that ran out, escalations) is in
tick_jobs; this module's `facts` is what both hand the domain's plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.domain.activities import ActivityStatus
from bot.domain.calendar import snooze_until
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.reminders import (
    ActivityFacts,
    ReminderItem,
    ReminderView,
    ScheduleSet,
    plan_occurrence,
    urgency,
)
from bot.domain.rules import require_lead, require_owner_or_lead
from bot.domain.schedule import next_occurrences, parse_schedule
from bot.services import outbox_events as out
from bot.services.context import Actor, Services
from bot.services.unit import Raced, enqueue, project_of_channel, record_change, row_id, transaction
from storage import projects
from storage import reminders as store
from storage.models import Activity

UPCOMING = 3


def facts(row: Activity | store.ActivityRow) -> ActivityFacts:
    """An activity row as the domain's reminder rules read it."""
    return ActivityFacts(
        id=row.id if isinstance(row, store.ActivityRow) else row_id(row),
        status=ActivityStatus(row.status),
        owner_id=row.owner_id,
        due=row.due,
        snoozed_until=row.snoozed_until,
    )


def set_schedule(services: Services, actor: Actor, channel_id: str, when: str) -> ScheduleSet:
    schedule = parse_schedule(when)
    now = services.clock()
    upcoming = tuple(next_occurrences(schedule, now, services.calendar, UPCOMING))

    def work(session: Session) -> ScheduleSet:
        project = project_of_channel(session, actor, channel_id)
        require_lead(actor.user_id, project.lead_id)
        row = store.schedule_of(session=session, project_id=row_id(project))
        before = row.spec if row else None
        if before == schedule.spec:
            return ScheduleSet(project.name, schedule, upcoming, changed=False)
        if row is None:
            store.add_schedule(
                session=session,
                project_id=row_id(project),
                spec=schedule.spec,
                next_run_at=upcoming[0],
                now=now,
            )
        else:
            row.spec, row.next_run_at, row.updated_at = schedule.spec, upcoming[0], now
        session.flush()
        record_change(
            services,
            session,
            actor,
            project,
            "reminder.schedule",
            channel_id,
            before,
            schedule.spec,
        )
        return ScheduleSet(project.name, schedule, upcoming, changed=True)

    return transaction(services, work)


def remind_now(services: Services, actor: Actor, channel_id: str) -> int:
    """`påminn`: every owner with open activities gets their reminder now. Returns how many.

    The occasion is the current minute, so a retried request within it sends nothing twice.
    """
    now = services.clock()

    def work(session: Session) -> int:
        found = store.activities_in_channel(
            session=session, team_id=actor.team_id, channel_id=channel_id
        )
        if found is None:
            raise DomainError(ErrorCode.NO_PROJECT)
        project, rows = found
        require_lead(actor.user_id, project.lead_id)
        plan = plan_occurrence([facts(a) for a in rows], now, services.today(now))
        occasion = "now-" + now.replace(second=0, microsecond=0).isoformat()
        events = [
            out.reminder(project.team_id, row_id(project), owner, occasion, ids)
            for owner, ids in plan.reminders.items()
        ]
        enqueue(session, now, *events)
        return len(events)

    return transaction(services, work)


def snooze(services: Services, actor: Actor, activity_id: int) -> datetime:
    """Skjut upp: no reminder of the activity until the next business day at 09:00."""
    now = services.clock()
    until = snooze_until(now, services.calendar)

    def work(session: Session) -> datetime:
        found = projects.activity_by_id(session=session, activity_id=activity_id)
        if found is None or found[0].team_id != actor.team_id:
            raise DomainError(ErrorCode.NO_PROJECT)
        project, row = found
        require_owner_or_lead(actor.user_id, project.lead_id, row.owner_id)
        if row.snoozed_until == until:
            return until
        before = row.snoozed_until.isoformat() if row.snoozed_until else None
        if not projects.compare_and_set(
            session=session, activity=row, values={"snoozed_until": until}
        ):
            raise Raced
        record_change(
            services, session, actor, project, "activity.snooze", row.key, before, until.isoformat()
        )
        return until

    return transaction(services, work)


@dataclass(frozen=True, slots=True)
class ReminderPosted:
    """A reminder DM the sender posted, kept (as it settles the event) so that a click in it
    can be told from a forgery. A `delivery.SentRecord`."""

    team_id: str
    user_id: str
    channel: str
    ts: str
    activities: tuple[int, ...]

    @classmethod
    def write_many(cls, session: Session, records: Sequence[ReminderPosted], now: datetime) -> None:
        posted = [
            store.PostedReminder(r.team_id, r.user_id, r.channel, r.ts, r.activities)
            for r in records
        ]
        store.record_messages(session=session, posted=posted, now=now)


def request_update(
    services: Services, actor: Actor, channel: str, ts: str, activity_id: int
) -> bool:
    """After a click in a reminder DM, queue the edit that shows its activities as they are.

    Which message and which activities come from the bot's record of what it posted: only a
    reminder the bot sent this person, listing the clicked activity, is redrawn.
    """
    now = services.clock()
    with services.db.session() as session:
        posted = store.posted_message(
            session=session, team_id=actor.team_id, channel_id=channel, ts=ts
        )
        if posted is None or posted.user_id != actor.user_id:
            return False
        listed = [int(i) for i in posted.activities]
        if activity_id not in listed:
            return False
        update = out.reminder_update(
            actor.team_id, channel, ts, listed, actor.user_id, now.isoformat()
        )
        enqueue(session, now, update)
        return True


def reminder_view(
    services: Services, team_id: str, activity_ids: Sequence[int], now: datetime
) -> ReminderView | None:
    """The listed activities of one project as they are now, in template order."""
    with services.db.driver_reading() as cursor:
        rows = projects.listed_activities(cursor=cursor, ids=activity_ids)
    rows = [r for r in rows if r.team_id == team_id]
    if not rows:
        return None
    first = rows[0]
    phase = services.phase(first.phase_key)
    today = services.today(now)
    order = {d.key: n for n, d in enumerate(phase.activities)}
    items = [
        ReminderItem(
            activity_id=r.activity_id,
            definition=phase.activity(r.key),
            status=ActivityStatus(r.status),
            owner_id=r.owner_id,
            due=r.due,
            urgency=urgency(r.due, today, services.calendar),
            snoozed_until=r.snoozed_until if r.snoozed_until and r.snoozed_until > now else None,
        )
        for r in sorted(rows, key=lambda r: order.get(r.key, len(order)))
        if r.project_id == first.project_id
    ]
    return ReminderView(first.project_name, first.channel_id, first.lead_id, tuple(items))
