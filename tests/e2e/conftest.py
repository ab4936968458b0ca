"""Fixtures of the request-level tests: the real bot with a project, every log record."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.e2e.wire import Records, capture_everything
from tests.support.bot import RunningBot, Workspace, run


@pytest.fixture
def records() -> Iterator[Records]:
    yield from capture_everything()


@pytest.fixture
def running(start_bot: Callable[[], RunningBot], workspace: Workspace) -> RunningBot:
    """The bot, with Anna's project "Kommunen X" in the project channel."""
    bot = start_bot()
    run(bot, workspace, "nytt Kommunen X")
    return bot
