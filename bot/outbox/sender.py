"""The sender: delivers queued events, paced and retried, on a thread of its own.

Listeners never wait on a platform's rate limits: a service queues an event in its transaction
and the sender is woken. The sender claims due events (a lease, so a second replica skips them),
hands each to the delivery registered for its kind, and settles it from the outcome: sent,
retried at the platform's Retry-After or with exponential backoff, or failed after a bounded
number of attempts. It knows no platform: the deliveries do.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from functools import partial

from bot.metrics import Metrics
from bot.outbox.attempt import Attempt, Delivery, Failed, Retry
from bot.outbox.pacing import Pacer
from bot.services import delivery
from bot.services.context import Services
from bot.services.delivery import Claimed
from bot.services.outbox_events import OutboxKind, PayloadError

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
LEASE = timedelta(seconds=60)
MAX_BACKOFF = 300.0


def backoff(attempt: int) -> float:
    """Seconds to wait after failed attempt number `attempt` (1, 2, 4, … up to MAX_BACKOFF)."""
    return min(MAX_BACKOFF, 2.0 ** (attempt - 1))


class OutboxSender:
    def __init__(
        self,
        services: Services,
        deliveries: Mapping[OutboxKind, Delivery],
        *,
        batch: int = 20,
        poll_seconds: float = 1.0,
        lease: timedelta = LEASE,
        monotonic: Callable[[], float] = time.monotonic,
        metrics: Metrics | None = None,
    ) -> None:
        self._services = services
        self._deliveries = deliveries
        self._metrics = metrics or Metrics()
        self._batch = batch
        self._poll = poll_seconds
        self._pacer = Pacer(monotonic)
        self._lease = lease
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def notify(self) -> None:
        """Something was queued: deliver now rather than at the next poll."""
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                handled = self.deliver_due()
            except Exception:  # the loop must survive a database outage; it logs and retries
                log.exception("outbox pass failed")
                handled = 0
            if handled < self._batch:
                self._wake.wait(self._poll)
            self._wake.clear()

    def deliver_due(self) -> int:
        """One pass: claim what is due, deliver it, settle it. Returns how many were handled."""
        claimed = delivery.claim(self._services, limit=self._batch, lease=self._lease)
        for event in claimed:
            self._deliver_one(event)
        return len(claimed)

    def _deliver_one(self, event: Claimed) -> None:
        wait = self._pacer.wait(event.kind, event.target)
        if wait > 0:  # our own wait, not an attempt that failed: it counts for nothing
            delivery.retry(
                self._services,
                event,
                event.attempts,
                after=wait,
                error="paced",
                doubt=event.in_doubt,
            )
            return
        try:
            self._attempt(event)
        except Retry as retry:
            self._retry(event, retry)
        except Failed as failed:
            log.warning("outbox %s %s failed: %s", event.kind, event.id, failed)
            self._give_up(event, str(failed), private=failed.private)
        else:
            delivery.sent(self._services, event, event.attempts + 1)
            self._metrics.delivered(event.kind, "sent")

    def _attempt(self, event: Claimed) -> None:
        try:
            deliver = self._deliveries[OutboxKind(event.kind)]
        except (ValueError, KeyError) as err:
            raise Failed(f"unknown outbox kind {event.kind!r}") from err
        # A coalesced event (a redraw more changes folded into) is taken now: a change from here
        # on queues a new one, and this one renders what has been committed until now.
        delivery.take_coalesced(self._services, event)
        attempt = Attempt(
            key=event.key,
            kind=event.kind,
            team_id=event.team_id,
            target=event.target,
            number=event.attempts + 1,
            in_doubt=event.in_doubt,
            data=event.payload,
            posting=partial(self._pacer.posting, event.target),
        )
        try:
            deliver(attempt)
        except PayloadError as err:
            raise Failed(str(err)) from err

    def _retry(self, event: Claimed, retry: Retry) -> None:
        attempts = event.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            log.warning("outbox %s %s failed after %s attempts", event.kind, event.id, attempts)
            self._give_up(event, retry.reason, private=False)
            return
        after = backoff(attempts) if retry.after is None else retry.after
        doubt = event.in_doubt or retry.doubt
        delivery.retry(
            self._services, event, attempts, after=after, error=retry.reason, doubt=doubt
        )
        self._metrics.delivered(event.kind, "retry", retry.reason)

    def _give_up(self, event: Claimed, error: str, *, private: bool) -> None:
        delivery.failed(self._services, event, event.attempts + 1, error)
        self._metrics.delivered(event.kind, "failed", error)
        if delivery.report_undelivered(self._services, event, error, private=private):
            self.notify()
