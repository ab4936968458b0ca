"""Bounded waits for what the bot does on its own threads (the outbox sender, the ticker)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(check: Callable[[], T], seconds: float = 10) -> T:
    """Poll `check` until it returns something truthy or `seconds` have passed; return it."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.05)
