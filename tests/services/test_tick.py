"""The tick at fixed times: who gets which reminder, snoozes, escalation, catch-up, two tickers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bot.domain.activities import ActivityStatus
from bot.domain.errors import DomainError, ErrorCode
from bot.emulator import FakeSlack
from bot.outbox import OutboxSender
from bot.services import activities, projects, reminders
from bot.services.context import Services
from bot.services.outbox_events import OutboxKind
from bot.services.tick import tick
from bot.services.tick_report import TickReport
from bot.slack.deliveries import slack_deliveries
from bot.slack.locale import Locales
from storage import outbox as queue
from storage.models import Activity, OutboxEvent, ReminderSchedule
from tests.services.support import ANNA, CHANNEL, ERIK, SARA, build_services
from tests.support.bot import BOT_TOKEN
from tests.support.clock import Clock, sthlm


def queued(services: Services, kind: OutboxKind) -> list[OutboxEvent]:
    with services.db.session() as session:
        return queue.events(session=session, kinds=[kind])


def ids_of(services: Services, *keys: str) -> list[int]:
    with services.db.session() as session:
        rows = session.exec(select(Activity).order_by(Activity.id)).all()  # type: ignore[arg-type]
    by_key = {r.key: r.id for r in rows}
    return [by_key[k] for k in keys]  # type: ignore[misc]


def reminders_by_owner(services: Services) -> dict[str, list[list[int]]]:
    found: dict[str, list[list[int]]] = {}
    for event in queued(services, OutboxKind.REMINDER):
        found.setdefault(event.target, []).append(event.payload["activities"])
    return found


@pytest.fixture
def project(services: Services, clock: Clock) -> Services:
    """Kommunen X, created Monday 23 November 08:00; owners and dates as a real project has."""
    projects.create_project(services, ANNA, CHANNEL, "Kommunen X")
    for ref, owner in [
        ("1.1", ERIK),
        ("1.2", ERIK),
        ("2", SARA),
        ("3", SARA),
        ("4", ERIK),
    ]:
        activities.set_owner(services, ANNA, CHANNEL, ref, owner.user_id)
    activities.set_due(services, ANNA, CHANNEL, "1.1", date(2026, 11, 20))  # overdue
    activities.set_due(services, ANNA, CHANNEL, "1.2", date(2026, 11, 25))  # due soon
    activities.set_status(services, SARA, CHANNEL, "3", ActivityStatus.DONE)
    activities.set_status(services, ERIK, CHANNEL, "4", ActivityStatus.NOT_APPLICABLE, "Ingen")
    return services


def test_nothing_before_the_occurrence(project: Services, clock: Clock) -> None:
    clock.set(sthlm(2026, 11, 23, 8, 59))
    report = tick(project, clock())
    assert report.queued == 0
    assert reminders_by_owner(project) == {}


def test_the_occurrence_reminds_each_owner_of_their_open_activities(
    project: Services, clock: Clock
) -> None:
    clock.set(sthlm(2026, 11, 23, 9))
    report = tick(project, clock())
    assert (report.schedules, report.reminders, report.digests) == (1, 2, 1)
    erik_11, erik_12, sara_2 = ids_of(project, "nyttorealiseringsplan", "driftavtal", "overlamning")
    # 3 is done and 4 is not applicable: left out; 1 and 1.3 have no owner.
    assert reminders_by_owner(project) == {
        ERIK.user_id: [[erik_11, erik_12]],
        SARA.user_id: [[sara_2]],
    }
    [digest] = queued(project, OutboxKind.DIGEST)
    assert digest.target == CHANNEL
    assert digest.payload["activities"] == [erik_11]  # overdue; nothing is blocked

    clock.advance(seconds=30)
    assert tick(project, clock()).queued == 0
    with project.db.session() as session:
        schedule = session.exec(select(ReminderSchedule)).one()
    assert schedule.next_run_at == sthlm(2026, 11, 30, 9)


def test_after_downtime_the_missed_occurrences_are_sent_once(
    project: Services, clock: Clock
) -> None:
    clock.set(sthlm(2026, 12, 15, 10))  # three Mondays missed
    report = tick(project, clock())
    assert report.reminders == 2
    assert {k: len(v) for k, v in reminders_by_owner(project).items()} == {
        ERIK.user_id: 1,
        SARA.user_id: 1,
    }
    assert tick(project, clock()).queued == 0
    with project.db.session() as session:
        assert session.exec(select(ReminderSchedule)).one().next_run_at == sthlm(2026, 12, 21, 9)


def test_snooze_leaves_the_activity_out_and_reminds_of_it_the_next_business_day(
    project: Services, clock: Clock
) -> None:
    erik_11, erik_12 = ids_of(project, "nyttorealiseringsplan", "driftavtal")
    clock.set(sthlm(2026, 11, 23, 8, 30))
    until = reminders.snooze(project, ERIK, erik_11)
    assert until == sthlm(2026, 11, 24, 9)
    clock.set(sthlm(2026, 11, 23, 9))
    tick(project, clock())
    assert reminders_by_owner(project)[ERIK.user_id] == [[erik_12]]

    clock.set(sthlm(2026, 11, 24, 9))
    report = tick(project, clock())
    assert report.snoozes == 1
    assert reminders_by_owner(project)[ERIK.user_id] == [[erik_12], [erik_11]]
    snoozed = queued(project, OutboxKind.REMINDER)[-1]
    assert snoozed.payload["snoozed"] is True
    assert tick(project, clock()).queued == 0


def test_only_the_owner_or_the_lead_snoozes(project: Services) -> None:
    [erik_11] = ids_of(project, "nyttorealiseringsplan")
    with pytest.raises(DomainError) as refused:
        reminders.snooze(project, SARA, erik_11)
    assert refused.value.code is ErrorCode.NOT_ALLOWED


def escalated(services: Services) -> list[int]:
    return [e.payload["activities"][0] for e in queued(services, OutboxKind.ESCALATION)]


def test_an_overdue_activity_escalates_to_the_lead_once(project: Services, clock: Clock) -> None:
    erik_11, erik_12 = ids_of(project, "nyttorealiseringsplan", "driftavtal")
    clock.set(sthlm(2026, 11, 23, 9))  # due Friday 20th: one business day overdue
    assert tick(project, clock()).escalations == 0
    clock.set(sthlm(2026, 11, 24, 9))  # two business days
    assert tick(project, clock()).escalations == 1
    [escalation] = queued(project, OutboxKind.ESCALATION)
    assert (escalation.target, escalation.payload["activities"]) == (ANNA.user_id, [erik_11])
    clock.set(sthlm(2026, 12, 1, 9))  # 1.2, due the 25th, is now two business days late too
    tick(project, clock())
    assert escalated(project) == [erik_11, erik_12]
    # The same due date again does not re-arm it; a new one does.
    activities.set_due(project, ANNA, CHANNEL, "1.1", date(2026, 11, 30))
    activities.set_due(project, ANNA, CHANNEL, "1.1", date(2026, 11, 20))
    clock.advance(hours=1)
    assert tick(project, clock()).escalations == 0
    activities.set_due(project, ANNA, CHANNEL, "1.1", date(2026, 11, 27))
    assert tick(project, clock()).escalations == 1
    assert escalated(project) == [erik_11, erik_12, erik_11]


def test_a_finished_activity_does_not_escalate(project: Services, clock: Clock) -> None:
    activities.set_status(project, ERIK, CHANNEL, "1.1", ActivityStatus.DONE)
    clock.set(sthlm(2026, 11, 24, 9))
    assert tick(project, clock()).escalations == 0


def test_remind_now_is_for_the_lead_and_sends_once_a_minute(
    project: Services, clock: Clock
) -> None:
    with pytest.raises(DomainError) as refused:
        reminders.remind_now(project, ERIK, CHANNEL)
    assert refused.value.code is ErrorCode.NOT_ALLOWED
    assert reminders.remind_now(project, ANNA, CHANNEL) == 2
    reminders.remind_now(project, ANNA, CHANNEL)  # a retried request in the same minute
    assert {k: len(v) for k, v in reminders_by_owner(project).items()} == {
        ERIK.user_id: 1,
        SARA.user_id: 1,
    }


def test_set_schedule_moves_the_next_occurrence(project: Services, clock: Clock) -> None:
    change = reminders.set_schedule(project, ANNA, CHANNEL, "tis,tor 08:30")
    assert change.changed
    assert change.upcoming == (
        sthlm(2026, 11, 24, 8, 30),
        sthlm(2026, 11, 26, 8, 30),
        sthlm(2026, 12, 1, 8, 30),
    )
    assert not reminders.set_schedule(project, ANNA, CHANNEL, "tisdagar, torsdagar 8.30").changed
    with pytest.raises(DomainError) as refused:
        reminders.set_schedule(project, ERIK, CHANNEL, "dagligen 07:00")
    assert refused.value.code is ErrorCode.NOT_ALLOWED
    with pytest.raises(DomainError) as bad:
        reminders.set_schedule(project, ANNA, CHANNEL, "ibland")
    assert bad.value.code is ErrorCode.BAD_SCHEDULE
    clock.set(sthlm(2026, 11, 23, 9))
    assert tick(project, clock()).queued == 0  # Monday is no longer a reminder day
    clock.set(sthlm(2026, 11, 24, 8, 30))
    assert tick(project, clock()).reminders == 2


def seed_due_projects(services: Services, owners: list[str], now: datetime) -> None:
    """One project per pair of owners, every schedule due at `now`."""
    for n in range(len(owners) // 2):
        channel = f"C{n:04d}"
        projects.create_project(services, ANNA, channel, f"Projekt {n}")
        activities.set_owner(services, ANNA, channel, "1.1", owners[2 * n])
        activities.set_owner(services, ANNA, channel, "2", owners[2 * n + 1])
    with services.db.session() as session:
        for schedule in session.exec(select(ReminderSchedule)):
            schedule.next_run_at = now


def in_parallel(work: Callable[[Services], Any], workers: list[Services]) -> list[Any]:
    """Run `work` on each worker's own thread (own engine, own connections), all at once."""
    start = threading.Barrier(len(workers))
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(worker: Services) -> None:
        try:
            start.wait(timeout=30)
            results.append(work(worker))
        except BaseException as exc:  # surfaced below; a thread's exception is otherwise lost
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


def test_two_tickers_and_two_senders_at_once_send_each_owner_one_dm(
    database_url: str, services: Services, clock: Clock, fake: FakeSlack
) -> None:
    projects_due = 200
    owners = [fake.state.add_user(f"owner{n}", real_name=f"Owner {n}") for n in range(400)]
    now = sthlm(2026, 11, 23, 9)
    seed_due_projects(services, owners, now)
    clock.set(now)
    workers = [build_services(database_url, clock) for _ in range(2)]
    try:
        reports = in_parallel(lambda w: tick(w, now, batch=10), workers)
        # Each schedule was claimed by exactly one ticker: the planned reminders add up exactly.
        assert sum(r.schedules for r in reports) == projects_due
        assert sum(r.reminders for r in reports) == len(owners)

        def deliver(worker: Services) -> int:
            client = WebClient(token=BOT_TOKEN, base_url=fake.api_url)
            sender = OutboxSender(worker, slack_deliveries(worker, client, Locales()))
            delivered = 0
            for _ in range(200):  # bounded: 400 events at up to 20 a pass
                handled = sender.deliver_due()
                delivered += handled
                if handled == 0:
                    break
            return delivered

        in_parallel(deliver, workers)
    finally:
        for worker in workers:
            worker.db.dispose()
    # Each owner also got the DM saying they were made owner; the reminder is the other one.
    reminded = [sum("Påminnelse" in m.text for m in fake.state.dms_to(owner)) for owner in owners]
    assert reminded == [1] * len(owners)
    with services.db.session() as session:
        assert queue.depth(session=session) == 0


def test_tick_reports_read_well() -> None:
    report = TickReport(schedules=1, reminders=2)
    assert str(report) == (
        "schedules=1 reminders=2 digests=0 snoozes=0 escalations=0 votes_closed=0 "
        "vote_reminders=0 justering_reminders=0"
    )
    assert report.queued == 2
