"""The memory of handled requests, shared through the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from bot.domain.activities import ActivityStatus
from bot.domain.errors import DomainError
from bot.services import activities, projects, replays
from bot.services.context import Services
from bot.services.tick_report import TickReport
from bot.services.unit import project_of_channel, record_change, transaction
from storage.models import AuditEntry
from tests.services.support import ANNA, CHANNEL, TEAM
from tests.support.clock import Clock


def test_a_request_is_new_once_until_forgotten(services: Services) -> None:
    assert replays.first_time(services, "k" * 64, "command", "T0001")
    assert not replays.first_time(services, "k" * 64, "command", "T0001")
    assert replays.first_time(services, "j" * 64, "command", "T0001")
    replays.forget(services, "k" * 64)
    assert replays.first_time(services, "k" * 64, "command", "T0001")


def test_the_tick_step_forgets_only_what_can_no_longer_verify(
    services: Services, clock: Clock
) -> None:
    replays.first_time(services, "old", "block_actions", "T0001")
    clock.advance(minutes=30)
    replays.first_time(services, "new", "block_actions", "T0001")
    # Half an hour on: both are younger than an hour.
    assert replays.forget_old(services, clock.now, 10, TickReport()) == 0
    # An hour and a minute after the first: it goes, the second (30 min younger) stays.
    later = clock.now - timedelta(minutes=29) + replays.MEMORY
    assert replays.forget_old(services, later, 10, TickReport()) == 1
    assert not replays.first_time(services, "new", "block_actions", "T0001")
    assert replays.first_time(services, "old", "block_actions", "T0001")


def audit_rows(services: Services) -> int:
    with services.db.reading() as session:
        return int(session.execute(select(func.count()).select_from(AuditEntry)).scalar_one())


def test_the_change_itself_remembers_the_request_so_a_copy_changes_nothing(
    services: Services,
) -> None:
    projects.create_project(services, ANNA, CHANNEL, "Kommunen X")
    with replays.handling("k" * 64, "command", TEAM) as first:
        activities.set_status(services, ANNA, CHANNEL, "1.1", ActivityStatus.DONE)
    assert first.taken and replays.seen(services, "k" * 64)
    before = audit_rows(services)
    with (
        replays.handling("k" * 64, "command", TEAM) as copy,
        pytest.raises(replays.Replayed),
    ):
        activities.set_status(services, ANNA, CHANNEL, "1.1", ActivityStatus.IN_PROGRESS)
    assert copy.replayed and audit_rows(services) == before


def test_a_refused_change_takes_its_claim_with_it_so_the_request_may_come_again(
    services: Services,
) -> None:
    projects.create_project(services, ANNA, CHANNEL, "Kommunen X")
    with replays.handling("r" * 64, "command", TEAM) as refused, pytest.raises(DomainError):
        activities.set_status(services, ANNA, CHANNEL, "1.1", ActivityStatus.BLOCKED)  # no reason
    assert not refused.taken and not replays.seen(services, "r" * 64)
    with replays.handling("r" * 64, "command", TEAM) as again:
        activities.set_status(services, ANNA, CHANNEL, "1.1", ActivityStatus.DONE)
    assert again.taken


def test_two_copies_at_once_make_one_change(services: Services) -> None:
    """The second copy's claim waits for the first one's commit, then finds it taken."""
    projects.create_project(services, ANNA, CHANNEL, "Kommunen X")
    inside = threading.Event()
    release = threading.Event()
    outcome: list[str] = []

    def slow_work(session: Session) -> None:
        inside.set()  # the first copy holds its claim, uncommitted
        assert release.wait(30)
        project = project_of_channel(session, ANNA, CHANNEL)
        record_change(services, session, ANNA, project, "test.change", "x", None, "first")

    def first() -> None:
        with replays.handling("c" * 64, "command", TEAM):
            transaction(services, slow_work)
        outcome.append("first")

    def second() -> None:
        with replays.handling("c" * 64, "command", TEAM):
            try:
                activities.set_status(services, ANNA, CHANNEL, "1.1", ActivityStatus.DONE)
                outcome.append("second changed")
            except replays.Replayed:
                outcome.append("second replayed")

    before = audit_rows(services)
    one = threading.Thread(target=first)
    one.start()
    assert inside.wait(30)
    two = threading.Thread(target=second)
    two.start()
    release.set()
    one.join(30)
    two.join(30)
    assert sorted(outcome) == ["first", "second replayed"]
    assert audit_rows(services) == before + 1
