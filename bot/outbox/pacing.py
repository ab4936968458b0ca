"""Pacing per target: the sender's own wait, so a burst to one channel does not draw 429s."""

from __future__ import annotations

from collections.abc import Callable

from bot.services.outbox_events import PACED

# chat.postMessage: about one message per second per channel.
PER_TARGET_INTERVAL = 1.0


class Pacer:
    """When each target was last posted to, on the sender's monotonic clock."""

    def __init__(
        self, monotonic: Callable[[], float], *, interval: float = PER_TARGET_INTERVAL
    ) -> None:
        self._monotonic = monotonic
        self._interval = interval
        self._last_post: dict[str, float] = {}

    def wait(self, kind: str, target: str) -> float:
        """Seconds an event of `kind` to `target` must wait before it may go (0: go now)."""
        if kind not in PACED:
            return 0.0
        last = self._last_post.get(target)
        return 0.0 if last is None else max(0.0, last + self._interval - self._monotonic())

    def posting(self, target: str) -> None:
        self._last_post[target] = self._monotonic()
