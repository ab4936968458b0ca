"""What every part of the fake workspace shares: who it is, one lock, one clock, the ids."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

JsonDict = dict[str, Any]

# The fake's default bot token: not a secret, it only opens the door to this emulator.
DEFAULT_TOKEN = "xoxb-test"  # noqa: S105


@dataclass
class Team:
    id: str = "T0001"
    name: str = "Förvaltning test"
    domain: str = "forvaltning-test"
    # Enterprise Grid: the org the workspace belongs to (E…), else None.
    enterprise_id: str | None = None


@dataclass
class BotIdentity:
    user_id: str = "UBOT"
    bot_id: str = "BBOT"
    app_id: str = "A0001"
    name: str = "forvaltningsbot"
    token: str = DEFAULT_TOKEN


def _format_ts(micros: int) -> str:
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


class Ledger:
    """The base every concern of `WorkspaceState` builds on.

    `WorkspaceState` sets these before the concerns set up their own tables, so each concern's
    `__init__` may read them. Every method takes `lock`, which is re-entrant: a Web API handler
    holds it around a whole call that uses several concerns.
    """

    lock: threading.RLock
    team: Team
    bot: BotIdentity
    _clock: Callable[[], float]
    _last_micros: int
    _ids: itertools.count[int]

    def __init__(self) -> None:
        """The end of the concerns' `__init__` chain."""

    def _start_ledger(self, team: Team, bot: BotIdentity, clock: Callable[[], float]) -> None:
        self.lock = threading.RLock()
        self.team = team
        self.bot = bot
        self._clock = clock
        self._last_micros = 0
        self._ids = itertools.count(1)

    def next_ts(self) -> str:
        """A Slack ts strictly greater than any issued before, across all channels."""
        with self.lock:
            now = int(self._clock() * 1_000_000)
            self._last_micros = max(self._last_micros + 1, now)
            return _format_ts(self._last_micros)

    def new_id(self, prefix: str) -> str:
        with self.lock:
            return f"{prefix}{next(self._ids):07d}"
