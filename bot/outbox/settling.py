"""Delivered events, settled together: one transaction for all that were delivered meanwhile.

A transaction of its own would cost every delivery a commit, and the GIL its bookkeeping,
which at Slack's limits (600 DMs in a few seconds) was most of what the sender did in Python.
"""

from __future__ import annotations

import threading

from bot.metrics import Metrics
from bot.services import delivery
from bot.services.context import Services


class Settler:
    """One worker at a time writes everything waiting; the others only add to it."""

    def __init__(self, services: Services, metrics: Metrics) -> None:
        self._services = services
        self._metrics = metrics
        self._lock = threading.Lock()
        self._waiting: list[delivery.Sent] = []
        self._settling = threading.Lock()  # held by the one worker settling them

    def add(self, done: delivery.Sent) -> None:
        """Settle `done`, with whatever else is waiting, unless another worker is at it (it
        will take `done` too); returns once nothing is left that no worker will take."""
        with self._lock:
            self._waiting.append(done)
        while self._settling.acquire(blocking=False):
            try:
                while True:
                    with self._lock:
                        batch, self._waiting = self._waiting, []
                    if not batch:
                        break
                    delivery.sent_many(self._services, batch)
                    for one in batch:
                        self._metrics.delivered(one.event.kind, "sent")
            finally:
                self._settling.release()
            with self._lock:
                if not self._waiting:  # else one was added after the last look: settle it
                    return
