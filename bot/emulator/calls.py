"""The log of every Web API call the bot made, answered or failed on purpose."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from bot.emulator.ledger import JsonDict, Ledger


@dataclass
class ApiCall:
    method: str
    params: JsonDict
    status: int
    ok: bool
    error: str | None
    faulted: bool = False
    # The workspace whose token made the call (None: no token, e.g. oauth.v2.access).
    team_id: str | None = None
    # The token it was made with, as sent (None: none).
    token: str | None = None
    # On the fake's monotonic clock: when the call reached the fake, and when it was answered.
    started: float = 0.0
    answered: float = 0.0
    retry_after: int | None = None


class CallLog(Ledger):
    def __init__(self) -> None:
        super().__init__()
        self._calls: list[ApiCall] = []

    def record_call(self, call: ApiCall) -> None:
        with self.lock:
            self._calls.append(copy.deepcopy(call))

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """A snapshot for tests, never the live records."""
        with self.lock:
            return copy.deepcopy([c for c in self._calls if method in (None, c.method)])
