"""Pacing per target: the sender's own wait, so a burst to one channel does not draw 429s."""

from __future__ import annotations

from collections.abc import Callable

from bot.services.outbox_events import PACED, OutboxKind

# chat.postMessage: about one message per second per channel.
PER_TARGET_INTERVAL = 1.0
# A person's Home tab is drawn at most this often: a burst of changes (a lead finishing ten
# activities, a steering group voting) shows at once and then once more with the end state,
# instead of each change drawing every project of theirs again while requests wait for the
# process. Changes meanwhile fold into the one pending refresh (its key is coalesced).
HOME_INTERVAL = 2.0


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


class HomeThrottle:
    """When each person's Home tab was last drawn; only the Home refresh is throttled."""

    def __init__(self, monotonic: Callable[[], float], *, interval: float = HOME_INTERVAL) -> None:
        self._monotonic = monotonic
        self._interval = interval
        self._last: dict[tuple[str, str], float] = {}

    def wait(self, kind: str, team_id: str, user_id: str) -> float:
        """Seconds until the refresh may be drawn (0: now, and the time is taken)."""
        if kind != OutboxKind.HOME_REFRESH:
            return 0.0
        now = self._monotonic()
        last = self._last.get((team_id, user_id))
        if last is not None and now < last + self._interval:
            return last + self._interval - now
        if len(self._last) > 10_000:  # bounded: old entries wait for nothing anyway
            self._last = {k: t for k, t in self._last.items() if now < t + self._interval}
        self._last[(team_id, user_id)] = now
        return 0.0
