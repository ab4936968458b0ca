"""Each workspace's budget: posts a second, looks back through history a minute, and the
Retry-After windows Slack gave it.

Slack limits every app per workspace and per method, so a workspace's budget is its own: a 429
in one workspace never slows another. Calls are counted in sliding windows, and a 429's
Retry-After closes that kind of call in that workspace until it has passed, so no call goes
inside the window. Posts are budgeted at what Slack is known to allow: a 429 on a post does not
say whose limit it was (the channel's, the workspace's, a hiccup), so it closes the window and
shrinks nothing. History starts at Slack's usual tier and shrinks to what got through at its
first 429, which only its own budget gives (growing back slowly after a quiet spell).
"""

from __future__ import annotations

import threading
from bisect import bisect_right, insort
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

# Slack takes about 8 posts a second per workspace.
POSTS_PER_WINDOW = 8
POST_WINDOW = 1.0
# conversations.history: Tier 3 (50 a minute, with bursts) for an internal or Marketplace
# app; one distributed outside the Marketplace gets 1 a minute, which its first 429 teaches.
LOOKUPS_PER_WINDOW = 100
LOOKUP_WINDOW = 60.0
# A call is counted in its window from when it is made until its answer came back, and then
# at the answer's time: Slack counted it somewhere in between, so the window it leaves is
# never earlier than Slack's. A call can be slow to leave a busy process, though, so a ninth
# could still reach Slack sooner after the first than we made it: a small margin for that.
MARGIN = 0.05
# After this long without a 429, a shrunk budget grows back by one call a window.
RECOVERY = 10.0


class Scope(StrEnum):
    """What a workspace's budget limits: posting messages, or looking back through history."""

    POST = "post"
    LOOKUP = "lookup"


@dataclass
class _Window:
    limit: int
    seconds: float
    calls: list[float] = field(default_factory=list)  # answered, by when: sorted
    # Calls made and not yet answered, by when they were made. They count however long they
    # take: a call slow to come back (a busy process) may reach Slack late, so it is never
    # old enough to leave the window until its answer says when Slack had it at the latest.
    out: Counter[float] = field(default_factory=Counter)
    in_flight: int = 0  # events admitted to a worker, not yet making their call
    closed_until: float = 0.0
    last_refusal: float | None = None
    # Whether a call was answered since the last 429 (or since we began): until then one
    # call at a time. A 429 closes the window only once its answer is back, and every call
    # already out then lands inside the window; a workspace that may be refusing is probed.
    proven: bool = False

    def recent(self, now: float) -> list[float]:
        gone = bisect_right(self.calls, now - self.seconds)
        if gone:
            del self.calls[:gone]
        return self.calls

    def made(self, now: float) -> None:
        self.out[now] += 1

    def answered(self, made: float, now: float) -> None:
        """The call made at `made` was answered now: it counts from now on, not from then."""
        if self.out[made] <= 0:
            return
        self.out[made] -= 1
        if not self.out[made]:
            del self.out[made]
        insort(self.calls, now)
        # A 429 is taken (`refused`) before its call counts as answered: it leaves the window
        # closed and the workspace unproven.
        if now >= self.closed_until:
            self.proven = True

    def room(self, now: float, within: float) -> int:
        """Posts that fit in the window `within` seconds from now, those in flight counted."""
        if self.closed_until > now + within:
            return 0
        calls = self.recent(now)
        waiting = self.out.total() + self.in_flight
        if not self.proven:
            return 0 if waiting else 1  # the probe first
        leaving = bisect_right(calls, now + within - self.seconds)
        return max(0, self.limit - (len(calls) - leaving) - waiting)

    def wait(self, now: float, *, counting_in_flight: bool) -> float:
        """Seconds until one more call fits (0: now)."""
        calls = self.recent(now)
        out = self.out.total()
        waiting = out + (self.in_flight if counting_in_flight else 0)
        if not self.proven and waiting:
            return max(0.05, self.closed_until - now)  # the probe's answer first
        used = len(calls) + waiting
        full = 0.0
        if used >= self.limit:
            # Room comes when enough answered calls have left the window: the one at `k` is
            # the last of them. When the calls still out fill it alone, an answer must come
            # first: at least a short while.
            k = used - self.limit
            full = max(0.05, calls[k] + self.seconds - now) if k < len(calls) else 0.05
        return max(0.0, self.closed_until - now, full)


class Budgets:
    """The budgets of every workspace, on the sender's monotonic clock; thread-safe."""

    def __init__(
        self,
        monotonic: Callable[[], float],
        *,
        posts_per_second: int = POSTS_PER_WINDOW,
        lookups_per_minute: int = LOOKUPS_PER_WINDOW,
        minute: float = LOOKUP_WINDOW,
    ) -> None:
        """`minute`: the history budget's window (a test's shorter one)."""
        self._monotonic = monotonic
        self._initial = {Scope.POST: posts_per_second, Scope.LOOKUP: lookups_per_minute}
        self._seconds = {Scope.POST: POST_WINDOW + MARGIN, Scope.LOOKUP: minute + MARGIN}
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, Scope], _Window] = {}

    def _of(self, team_id: str, scope: Scope, now: float) -> _Window:
        window = self._windows.get((team_id, scope))
        if window is None:
            window = _Window(limit=self._initial[scope], seconds=self._seconds[scope])
            self._windows[(team_id, scope)] = window
        refused = window.last_refusal
        if window.limit < self._initial[scope] and refused is not None and now - refused > RECOVERY:
            window.limit += 1
            window.last_refusal = now
        return window

    def admit(self, team_id: str) -> float:
        """Before an event that posts is handed to a worker: 0 and it counts as in flight, or
        how long it should wait (calls counted in the window and those in flight fill it)."""
        with self._lock:
            now = self._monotonic()
            window = self._of(team_id, Scope.POST, now)
            wait = window.wait(now, counting_in_flight=True)
            if wait == 0:
                window.in_flight += 1
            return wait

    def spent(self) -> dict[str, float]:
        """Workspaces that may post nothing now, each with the seconds until it may: their
        window is full (calls in flight counted) or a Retry-After closes it."""
        with self._lock:
            now = self._monotonic()
            waits = {
                team: window.wait(now, counting_in_flight=True)
                for (team, scope), window in self._windows.items()
                if scope is Scope.POST
            }
        return {team: wait for team, wait in waits.items() if wait > 0}

    def rooms(self, within: float) -> dict[str, int]:
        """Every workspace the sender has posted in, with the posts its window takes from
        now until `within` seconds from now (one that never posted takes a whole window)."""
        with self._lock:
            now = self._monotonic()
            return {
                team: window.room(now, within)
                for (team, scope), window in self._windows.items()
                if scope is Scope.POST
            }

    def admitted_done(self, team_id: str) -> None:
        """An admitted event makes its call now (counted by `take`), or never will."""
        with self._lock:
            window = self._of(team_id, Scope.POST, self._monotonic())
            window.in_flight = max(0, window.in_flight - 1)

    def take(self, team_id: str, scope: Scope) -> tuple[float, float, float]:
        """Just before the call: (seconds the scope is still closed by a Retry-After, seconds
        until the window has room, when the call was counted). When the first two are 0 the
        call is counted and may go; `answered` with the third once its answer is back."""
        with self._lock:
            now = self._monotonic()
            window = self._of(team_id, scope, now)
            closed = max(0.0, window.closed_until - now)
            full = window.wait(now, counting_in_flight=False)
            if closed == 0 and full == 0:
                window.made(now)
            return closed, full, now

    def answered(self, team_id: str, scope: Scope, made: float) -> None:
        """The call counted at `made` has its answer (or failed): it counts from now."""
        with self._lock:
            now = self._monotonic()
            self._of(team_id, scope, now).answered(made, now)

    def refused(self, team_id: str, scope: Scope, retry_after: float) -> None:
        """Slack answered 429: close the scope for its Retry-After (and learn history's size)."""
        with self._lock:
            now = self._monotonic()
            window = self._of(team_id, scope, now)
            window.closed_until = max(window.closed_until, now + retry_after)
            window.proven = False
            if scope is Scope.LOOKUP:
                # History answers 429 for its budget alone: what got through is the budget.
                window.limit = max(1, min(window.limit, len(window.recent(now)) - 1))
                window.last_refusal = now

    def limit(self, team_id: str, scope: Scope = Scope.POST) -> int:
        """Calls per window the workspace is thought to take now."""
        with self._lock:
            return self._of(team_id, scope, self._monotonic()).limit


class InHand:
    """What each event in a worker's hands holds of its workspace's budget: its admission,
    until its post is made, and the calls it made, until their answers are back."""

    def __init__(self, budgets: Budgets) -> None:
        self._budgets = budgets
        self._lock = threading.Lock()
        self._admitted: set[int] = set()
        self._calls: dict[int, list[tuple[Scope, float]]] = {}

    def admitted(self, event_id: int) -> None:
        """`Budgets.admit` let the event's post go to a worker."""
        with self._lock:
            self._admitted.add(event_id)

    def calling(self, team_id: str, event_id: int) -> None:
        """The admitted event makes its post now (or never will): from here on the post counts
        in its window, no longer also as one still to be made (counted as both, each post's
        successor waited for its settling as well: figure 6 lost 0.05 s a window)."""
        with self._lock:
            if event_id not in self._admitted:
                return
            self._admitted.discard(event_id)
        self._budgets.admitted_done(team_id)

    def made(self, event_id: int, scope: Scope, at: float) -> None:
        """The event made a call `take` counted at `at`."""
        with self._lock:
            self._calls.setdefault(event_id, []).append((scope, at))

    def answered(self, team_id: str, event_id: int) -> None:
        """The event's attempt is over: its calls count in their windows from now (MARGIN)."""
        with self._lock:
            made = self._calls.pop(event_id, [])
        for scope, at in made:
            self._budgets.answered(team_id, scope, at)
