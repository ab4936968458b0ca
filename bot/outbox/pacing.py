"""Pacing per target: the sender's own wait, so a burst to one channel does not draw 429s."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.services.outbox_events import PACED, OutboxKind, is_coalesced

# chat.postMessage: about one message per second per channel.
PER_TARGET_INTERVAL = 1.0
# A person's Home tab is drawn at most this often: a burst of changes (a lead finishing ten
# activities, a steering group voting) shows at once and then once more with the end state,
# instead of each change drawing every project of theirs again while requests wait for the
# process. Changes meanwhile fold into the one pending refresh (its key is coalesced).
HOME_INTERVAL = 2.0
# A voter's receipt in one vote, likewise: a member clicking Godkänn, Avslå, Godkänn is told
# at once, then a second later once more with what stands, not three times as fast as they
# click (each one the sender's claim, read, post and settle beside the clicks' own work).
RECEIPT_INTERVAL = 1.0
FOLD_INTERVALS: Mapping[str, float] = {
    OutboxKind.HOME_REFRESH: HOME_INTERVAL,
    OutboxKind.VOTE_RECEIPT: RECEIPT_INTERVAL,
}


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


class FoldThrottle:
    """When each folded event (a Home refresh, a ballot's receipt) was last taken; while it
    waits, changes fold into the pending one (its key is coalesced), so a burst is drawn at
    once and then once more with the end state. Nothing else is throttled here."""

    def __init__(
        self,
        monotonic: Callable[[], float],
        *,
        intervals: Mapping[str, float] = FOLD_INTERVALS,
    ) -> None:
        self._monotonic = monotonic
        self._intervals = intervals
        self._last: dict[tuple[str, str], float] = {}

    def wait(self, kind: str, team_id: str, key: str) -> float:
        """Seconds until the event may be taken (0: now, and the time is taken)."""
        interval = self._intervals.get(kind)
        if interval is None or not is_coalesced(key):
            return 0.0
        now = self._monotonic()
        last = self._last.get((team_id, key))
        if last is not None and now < last + interval:
            return last + interval - now
        if len(self._last) > 10_000:  # bounded: old entries wait for nothing anyway
            longest = max(self._intervals.values())
            self._last = {k: t for k, t in self._last.items() if now < t + longest}
        self._last[(team_id, key)] = now
        return 0.0
