"""Failures the fake Slack hands out on purpose: queued, random, per-channel rate limits, and
Slack's own limits (`limits`)."""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.emulator.limits import Limits

ANY_METHOD = "*"

_DEFAULT_ERRORS = {429: "ratelimited"}


@dataclass(frozen=True)
class Fault:
    """One failed answer. `status` 200 with an `error` is Slack's usual `ok: false` reply."""

    status: int
    error: str | None
    retry_after: int | None = None
    delay: float = 0.0

    @property
    def fails(self) -> bool:
        return self.status != 200 or self.error is not None

    @classmethod
    def make(
        cls,
        *,
        status: int | None = None,
        error: str | None = None,
        retry_after: int | None = None,
        delay: float = 0.0,
    ) -> Fault:
        if status is None:
            status = 200 if (error is not None or delay > 0) else 429
        if error is None and status != 200:
            fallback = "internal_error" if status >= 500 else "fatal_error"
            error = _DEFAULT_ERRORS.get(status, fallback)
        if status == 429 and retry_after is None:
            retry_after = 1
        return cls(status=status, error=error, retry_after=retry_after, delay=delay)


@dataclass
class _RandomFaults:
    rate: float
    statuses: tuple[int, ...]
    rng: random.Random
    retry_after: int


@dataclass
class _Bucket:
    tokens: float
    updated: float


class Faults:
    """Decides, per Web API call, whether it fails and how.

    Queued faults win over random ones, and a method's own queue over the wildcard `*`, so a
    test can aim one exact failure at one exact call while random noise runs in the background.
    """

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self.limits = Limits(clock)
        self._queues: dict[str, deque[Fault]] = {}
        self._random: dict[str, _RandomFaults] = {}
        self._per_second: float | None = None
        self._burst = 1.0
        self._buckets: dict[str, _Bucket] = {}

    def inject(
        self,
        method: str,
        *,
        status: int | None = None,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        delay: float = 0.0,
    ) -> None:
        """Queue `times` faults for `method` (or `*`).

        Without a status: 429 (ratelimited, Retry-After 1), or 200 when only an `error` or a
        `delay` is given; a delay alone slows the call down and then answers it normally.
        """
        fault = Fault.make(status=status, error=error, retry_after=retry_after, delay=delay)
        with self._lock:
            self._queues.setdefault(method, deque()).extend([fault] * times)

    def fault_rate(
        self,
        method: str,
        rate: float,
        *,
        statuses: Sequence[int] = (429, 500),
        seed: int | None = None,
        retry_after: int = 1,
    ) -> None:
        """Fail a fraction `rate` of calls to `method` at random; a seed makes it repeatable."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be within [0, 1], got {rate}")
        with self._lock:
            if rate == 0.0:
                self._random.pop(method, None)
                return
            self._random[method] = _RandomFaults(
                rate=rate,
                statuses=tuple(statuses),
                # Not for security: a seeded stream so a failing run can be replayed.
                rng=random.Random(seed),  # noqa: S311
                retry_after=retry_after,
            )

    def rate_limit_per_channel(self, per_second: float | None = 1.0, *, burst: int = 1) -> None:
        """Answer chat.postMessage with 429 when a channel gets posts faster than this."""
        with self._lock:
            self._per_second = per_second
            self._burst = float(burst)
            self._buckets.clear()

    def now(self) -> float:
        return self._clock()

    def clear(self) -> None:
        self.limits.clear()
        with self._lock:
            self._queues.clear()
            self._random.clear()
            self._per_second = None
            self._buckets.clear()

    def pending(self, method: str | None = None) -> int:
        """How many queued faults have not been handed out yet."""
        with self._lock:
            if method is not None:
                return len(self._queues.get(method, ()))
            return sum(len(q) for q in self._queues.values())

    def take(self, method: str) -> Fault | None:
        """The fault for this call, consuming it; None when the call should go through."""
        with self._lock:
            for key in (method, ANY_METHOD):
                queue = self._queues.get(key)
                if queue:
                    return queue.popleft()
            for key in (method, ANY_METHOD):
                rnd = self._random.get(key)
                if rnd is None:
                    continue
                # Draw both numbers every time so the sequence depends only on the call count.
                roll = rnd.rng.random()
                status = rnd.rng.choice(rnd.statuses)
                if roll < rnd.rate:
                    return Fault.make(status=status, retry_after=rnd.retry_after)
            return None

    def channel_limit(self, channel_id: str) -> Fault | None:
        """Spend one post from the channel's token bucket, or say how long to wait."""
        with self._lock:
            if self._per_second is None:
                return None
            now = self._clock()
            bucket = self._buckets.get(channel_id)
            if bucket is None:
                bucket = self._buckets[channel_id] = _Bucket(tokens=self._burst, updated=now)
            bucket.tokens = min(
                self._burst, bucket.tokens + (now - bucket.updated) * self._per_second
            )
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return None
            wait = (1.0 - bucket.tokens) / self._per_second
            return Fault.make(status=429, retry_after=max(1, math.ceil(wait)))
