"""Use cases against a real database (SQLite and PostgreSQL) at times the test chooses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.services.context import Services
from tests.services.support import build_services
from tests.support.clock import Clock, sthlm


@pytest.fixture
def clock() -> Clock:
    return Clock(sthlm(2026, 11, 23, 8))  # a Monday morning, before the default 09:00


@pytest.fixture
def services(database_url: str, clock: Clock) -> Iterator[Services]:
    built = build_services(database_url, clock)
    yield built
    built.db.dispose()
