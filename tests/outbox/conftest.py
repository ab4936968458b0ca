"""The sender against a real queue (SQLite and PostgreSQL), on a clock the test moves."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.services.context import Services
from tests.outbox.support import Clock, build_services
from tests.support.clock import sthlm


@pytest.fixture
def clock() -> Clock:
    return Clock(sthlm(2026, 11, 23, 8))


@pytest.fixture
def services(database_url: str, clock: Clock) -> Iterator[Services]:
    built = build_services(database_url, clock)
    yield built
    built.db.dispose()
