"""Slack's own limits, as hard as Slack: the way there and back, each workspace's post rate,
the history budget of an app outside the Marketplace, and posts that fail once with a 5xx.

All are off until a test (or the benchmark) turns them on. A 429 opens a Retry-After window in
that workspace for that kind of call, and every such call inside it is refused as well, so a
bot that ignores Retry-After gets nothing through.
"""

from __future__ import annotations

import math
import random
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.emulator.calls import ApiCall
from bot.emulator.ledger import JsonDict

POSTS = "chat.postMessage"
# Shares an uploaded file in a channel: a post, as far as failing after it goes.
SHARES = "files.completeUploadExternal"
HISTORY = "conversations.history"
# A call that reached us this soon after a 429 was answered left the bot before it could know.
IN_FLIGHT_GRACE = 0.05


@dataclass
class _Window:
    """At most `calls` accepted per `seconds` per workspace; a refusal closes it a while."""

    calls: int
    seconds: float
    accepted: dict[str, deque[float]] = field(default_factory=dict)
    closed_until: dict[str, float] = field(default_factory=dict)
    refused: set[str] = field(default_factory=set)  # refused next, whatever their count
    retry_after: int = 1

    def refusal(self, team_id: str, now: float) -> int | None:
        """None and the call counts, or the Retry-After (whole seconds) of its 429."""
        if team_id in self.refused:
            self.refused.discard(team_id)
            self.closed_until[team_id] = now + self.retry_after
            return self.retry_after
        closed = self.closed_until.get(team_id, 0.0) - now
        if closed > 0:
            return max(1, math.ceil(closed))
        accepted = self.accepted.setdefault(team_id, deque())
        while accepted and accepted[0] <= now - self.seconds:
            accepted.popleft()
        if len(accepted) < self.calls:
            accepted.append(now)
            return None
        retry_after = max(1, math.ceil(accepted[0] + self.seconds - now))
        self.closed_until[team_id] = now + retry_after
        return retry_after


@dataclass
class _FirstFailures:
    share: float
    status: int
    rng: random.Random
    seen: set[str] = field(default_factory=set)


class Limits:
    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.latency = 0.0
        self.history_max = 999
        self._windows: dict[str, _Window] = {}
        self._first: dict[str, _FirstFailures] = {}

    def set_latency(self, seconds: float) -> None:
        """Every Web API call takes this long (the way from the bot to Slack and back)."""
        self.latency = seconds

    def limit_posts_per_workspace(self, per_second: int | None = 8) -> None:
        """chat.postMessage: about 8 a second per workspace, 429 beyond."""
        self._set(POSTS, None if per_second is None else _Window(per_second, 1.0))

    def limit_history(
        self, per_minute: int | None = 1, *, max_messages: int = 15, minute: float = 60.0
    ) -> None:
        """conversations.history for a commercially distributed app outside the Marketplace:
        1 call a minute per workspace, at most 15 messages a call, 429 beyond. `minute`: a
        test's shorter one, so that waiting out the budget takes seconds."""
        self._set(HISTORY, None if per_minute is None else _Window(per_minute, minute))
        self.history_max = 999 if per_minute is None else max_messages

    def fail_first_posts(
        self, share: float, *, status: int = 500, seed: int = 0, method: str = POSTS
    ) -> None:
        """A share of posts (told apart by their metadata's key, else their text; a shared
        file by its titles) fail the first time with `status`, after Slack posted them: only a
        look finds them there. `method`: chat.postMessage, or files.completeUploadExternal."""
        # Not for security: a seeded stream so a failing run can be replayed.
        rng = random.Random(seed)  # noqa: S311
        with self._lock:
            if share > 0:
                self._first[method] = _FirstFailures(share, status, rng)
            else:
                self._first.pop(method, None)

    def refuse(self, team_id: str, method: str = POSTS, *, retry_after: int = 1) -> None:
        """The workspace's next `method` call gets 429 with `retry_after`, and so does every
        one inside that window (as if its budget had just run out)."""
        with self._lock:
            window = self._windows.setdefault(method, _Window(10**9, 1.0))
            window.refused.add(team_id)
            window.retry_after = retry_after

    def _set(self, method: str, window: _Window | None) -> None:
        with self._lock:
            if window is None:
                self._windows.pop(method, None)
            else:
                self._windows[method] = window

    def clear(self) -> None:
        with self._lock:
            self.latency = 0.0
            self.history_max = 999
            self._windows.clear()
            self._first.clear()

    def refusal(self, method: str, team_id: str | None) -> int | None:
        """The Retry-After of a 429 for this call, or None when the budget lets it through."""
        with self._lock:
            window = self._windows.get(method)
            if window is None or team_id is None:
                return None
            return window.refusal(team_id, self._clock())

    def fails_after_posting(self, method: str, params: JsonDict) -> int | None:
        """The status a post that went through is answered with anyway, or None."""
        if method not in (POSTS, SHARES):
            return None
        key = _post_key(params)
        with self._lock:
            first = self._first.get(method)
            if first is None or key in first.seen:
                return None
            first.seen.add(key)
            return first.status if first.rng.random() < first.share else None


def _post_key(params: JsonDict) -> str:
    """What tells one post from another across its retries: the outbox key in its metadata,
    else its text; a shared file gets a new id each try, so its titles."""
    metadata = params.get("metadata")
    payload = (metadata.get("event_payload") if isinstance(metadata, dict) else None) or {}
    files = params.get("files")
    titles = (
        [str(f.get("title")) for f in files if isinstance(f, dict)]
        if isinstance(files, list)
        else []
    )
    return str(payload.get("key") or "|".join(titles) or params.get("text") or "")


def calls_inside_retry_after(calls: Iterable[ApiCall]) -> list[ApiCall]:
    """Calls that reached the fake inside a Retry-After window that their workspace was given
    for that method (after the grace of the calls already on their way)."""
    windows: list[tuple[str | None, str, float, float]] = []
    inside: list[ApiCall] = []
    for call in sorted(calls, key=lambda c: c.started):
        if any(
            team == call.team_id and method == call.method and opened < call.started < closes
            for team, method, opened, closes in windows
        ):
            inside.append(call)
        if call.status == 429 and call.retry_after is not None:
            opened = call.answered + IN_FLIGHT_GRACE
            windows.append((call.team_id, call.method, opened, call.answered + call.retry_after))
    return inside
