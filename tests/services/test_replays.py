"""The memory of handled requests, shared through the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from bot.services import replays
from bot.services.context import Services
from bot.services.tick_report import TickReport
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
