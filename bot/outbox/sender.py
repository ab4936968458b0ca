"""The sender: delivers queued events, paced and retried, on a small pool of workers.

Listeners never wait on a platform's rate limits: a service queues an event in its transaction
and the sender is woken. The sender claims due events (a lease, so a second replica skips them)
and hands each to the delivery registered for its kind on a worker of its own, as soon as its
target's pacing and its workspace's budget allow: workspaces and channels go in parallel, a
channel one post at a time. It settles each from the outcome: sent, retried at the platform's
Retry-After or with exponential backoff, or failed after a bounded number of attempts. It knows
no platform: the deliveries do.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from functools import partial

from bot.metrics import Metrics
from bot.outbox.attempt import Attempt, Delivery, Failed, Retry
from bot.outbox.budget import Budgets, InHand, Scope
from bot.outbox.pacing import PER_TARGET_INTERVAL, FoldThrottle, Pacer
from bot.outbox.settling import Settler
from bot.outbox.shares import PER_TEAM, shares
from bot.services import delivery
from bot.services.context import Services
from bot.services.delivery import Claimed
from bot.services.outbox_events import PACED, OutboxKind, PayloadError

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
LEASE = timedelta(seconds=60)
MAX_BACKOFF = 300.0
# Calls in flight at once: Slack's limits, not our threads, are what bound the throughput.
# A worker holds a post about 120 ms at 100 ms a call, so 32 of them posted about 270 a
# second, and the windows of 20 workspaces open together asking for 160 posts at once: each
# workspace's first window was spread over half a second, and every window after inherits
# that (figure 6: 4.25 s with 32, 4.1 s with 64; 96 was no better than 64).
WORKERS = 64
# A wait this short is waited out in the sender's hands; a longer one goes back to the queue.
HOLD = 2.0
# Events held at most: claimed until a worker has something it may send. Few, since a crash
# leaves every held event in doubt, and each costs a look through history (holding twice as
# many made figure 6 no faster).
BACKLOG = 64
# A claim is a transaction: made when the backlog has this much room, or is empty.
CLAIM_ROOM = BACKLOG // 2


def backoff(attempt: int) -> float:
    """Seconds to wait after failed attempt number `attempt` (1, 2, 4, … up to MAX_BACKOFF)."""
    return min(MAX_BACKOFF, 2.0 ** (attempt - 1))


class OutboxSender:
    def __init__(
        self,
        services: Services,
        deliveries: Mapping[OutboxKind, Delivery],
        *,
        batch: int = 50,
        poll_seconds: float = 1.0,
        lease: timedelta = LEASE,
        monotonic: Callable[[], float] = time.monotonic,
        metrics: Metrics | None = None,
        workers: int = WORKERS,
        budgets: Budgets | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._services = services
        self._deliveries = deliveries
        self._metrics = metrics or Metrics()
        self._batch = batch
        self._poll = poll_seconds
        self._monotonic = monotonic
        self._sleep = sleep
        self._pacer = Pacer(monotonic)
        self._folds = FoldThrottle(monotonic)
        self._budgets = budgets or Budgets(monotonic)
        self._lease = lease
        self._workers = workers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="outbox")
        self._lock = threading.Condition()
        self._in_flight = 0
        self._busy: set[str] = set()  # targets a paced event is being delivered to
        self._backlog: list[tuple[Claimed, float]] = []  # claimed, held, and when claimed
        self._settler = Settler(services, self._metrics)
        self._returned: list[tuple[Claimed, float]] = []  # refused for a while, to be held
        self._in_hand = InHand(self._budgets)  # each event's share of its workspace's budget
        self._claim_at = 0.0  # when the queue may next have something due
        self._queued = threading.Event()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def notify(self) -> None:
        """Something was queued: deliver now rather than at the next poll."""
        self._queued.set()
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout)
        self._drain(timeout)
        try:
            self._release()  # what a worker gave back to be held while the loop stopped
        except Exception:  # their leases lapse instead: in doubt, which is safe
            log.exception("outbox: could not give back the events held")
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(self) -> None:
        while not self._stopping.is_set():
            soonest = self._poll
            try:
                soonest = min(soonest, self._pass())
            except Exception:  # the loop must survive a database outage; it logs and retries
                log.exception("outbox pass failed")
            self._wake.wait(soonest)
            self._wake.clear()
        try:
            self._release()
        except Exception:  # their leases lapse instead: in doubt, which is safe
            log.exception("outbox: could not give back the events held")

    def _pass(self) -> float:
        """Claim while a worker is free and nothing held may go; returns the seconds until
        the next pass is needed (a held event's wait, or the queue's next due time)."""
        with self._lock:  # what workers gave back to be held: a post the budget refused
            returned, self._returned = self._returned, []
        self._backlog.extend(returned)
        while True:
            # A short wait for a workspace's budget is held here: the claim skips that
            # workspace meanwhile, so the backlog fills with others' events, which may go now.
            self._backlog, soonest = self._dispatch(self._backlog, hold=HOLD, hold_budget=HOLD)
            room = BACKLOG - len(self._backlog)
            # A claim is a transaction: not one for every worker that is done, but for a few
            # at a time, unless nothing is held at all.
            if room < (CLAIM_ROOM if self._backlog else 1) or not self._may_claim():
                break
            limit = min(self._batch, room)
            share = shares(Counter(event.team_id for event, _ in self._backlog), self._budgets)
            claimed = delivery.claim(
                self._services,
                limit=limit,
                lease=self._lease,
                per_team=PER_TEAM,
                skip_teams=share.skip,
                caps=share.caps,
            )
            now = self._monotonic()
            # A skipped workspace's due events are claimed once its budget has room again. A
            # claim that stopped at a workspace's share may have left more of its events due:
            # claimed again as soon as a worker is free, not at the next poll (190 clicks'
            # receipts in one workspace went out at PER_TEAM a second once the clicks stopped).
            full = len(claimed) == limit or share.capped(claimed)
            self._claim_at = now if full else now + min(self._poll, share.opens)
            self._backlog.extend((event, now) for event in claimed)
            if not claimed:
                break
        if self._free() == 0 or len(self._backlog) > BACKLOG - CLAIM_ROOM:
            # Nothing more may be claimed or handed out until a worker is done, and a worker
            # that is done wakes the loop: waiting for the clock here would only spin.
            return min(soonest, self._poll)
        return max(0.0, min(soonest, self._claim_at - self._monotonic()))

    def _may_claim(self) -> bool:
        if self._free() == 0:
            return False
        due = self._queued.is_set() or self._monotonic() >= self._claim_at
        self._queued.clear()
        return due

    def deliver_due(self) -> int:
        """One pass, to its end: claim what is due, deliver it, settle it. A workspace's
        budget is waited out here; a channel's pacing is given back to the queue. Returns how
        many were handled."""
        claimed = delivery.claim(self._services, limit=self._batch, lease=self._lease)
        now = self._monotonic()
        held = [(event, now) for event in claimed]
        budget_wait = HOLD
        while held:
            held, soonest = self._dispatch(held, hold=0, hold_budget=budget_wait)
            if held and math.isfinite(soonest):
                before = self._monotonic()
                self._sleep(soonest)
                if self._monotonic() == before:  # a clock that only a test moves
                    budget_wait = 0
            elif held:
                with self._lock:
                    self._lock.wait_for(lambda: self._in_flight < self._workers)
        self._drain(None)
        return len(claimed)

    def _free(self) -> int:
        with self._lock:
            return self._workers - self._in_flight

    def _drain(self, timeout: float | None) -> None:
        with self._lock:
            self._lock.wait_for(lambda: self._in_flight == 0, timeout)

    def _dispatch(
        self, held: list[tuple[Claimed, float]], *, hold: float, hold_budget: float
    ) -> tuple[list[tuple[Claimed, float]], float]:
        """Hand every held event that may go now to a worker; keep those whose wait is at
        most `hold` (`hold_budget` when it waits for its workspace's budget) and whose lease
        is young; give the others back to the queue."""
        kept: list[tuple[Claimed, float]] = []
        soonest = math.inf
        stale = self._monotonic() - self._lease.total_seconds() / 2
        for event, claimed_at in held:
            if self._free() == 0:
                kept.append((event, claimed_at))
                continue
            if hold == 0:  # one pass to its end: a channel's events one after another, as sent
                with self._lock:
                    self._lock.wait_for(lambda e=event: e.target not in self._busy)  # type: ignore[misc]
            wait, budget = self._reserve(event)
            if wait == 0:
                self._pool.submit(self._task, event, claimed_at)
            elif wait <= (hold_budget if budget else hold) and claimed_at > stale:
                kept.append((event, claimed_at))
                soonest = min(soonest, wait)
            else:  # our own wait, not an attempt that failed: it counts for nothing
                self._later(event, event.attempts, wait, "paced", event.in_doubt)
        return kept, soonest

    def _reserve(self, event: Claimed) -> tuple[float, bool]:
        """0 and a worker (and, for a post, its target and a place in its workspace's
        budget) is the event's; or how long it must wait, and whether for the budget."""
        paced = event.kind in PACED
        with self._lock:
            fold_wait = self._folds.wait(event.kind, event.team_id, event.key)
            if fold_wait > 0:
                return fold_wait, False
            if paced:
                if event.target in self._busy:
                    return PER_TARGET_INTERVAL, False
                wait = self._pacer.wait(event.kind, event.target)
                if wait > 0:
                    return wait, False
                wait = self._budgets.admit(event.team_id)
                if wait > 0:
                    return wait, True
                self._busy.add(event.target)
                self._in_hand.admitted(event.id)
            self._in_flight += 1
            return 0.0, False

    def _task(self, event: Claimed, claimed_at: float) -> None:
        try:
            self._deliver_one(event, claimed_at)
        except Exception:  # settling failed (the database): the lease lapses, in doubt
            log.exception("outbox %s %s could not be settled", event.kind, event.id)
        finally:
            if event.kind in PACED:
                self._in_hand.calling(event.team_id, event.id)  # if it never did
            with self._lock:
                self._busy.discard(event.target)
                self._in_flight -= 1
                self._lock.notify_all()
            self._wake.set()

    def _deliver_one(self, event: Claimed, claimed_at: float) -> None:
        try:
            try:
                attempt = self._attempt(event)
            except Retry as retry:
                # Closed at once, before the call counts as answered: another worker must not
                # find the workspace's window open in between.
                if retry.limited is not None and retry.after is not None:
                    self._budgets.refused(event.team_id, retry.limited, retry.after)
                raise
            finally:
                self._in_hand.answered(event.team_id, event.id)
        except Retry as retry:
            self._retry(event, retry, claimed_at)
        except Failed as failed:
            log.warning("outbox %s %s failed: %s", event.kind, event.id, failed)
            self._give_up(event, str(failed), private=failed.private)
        else:
            self._settler.add(delivery.Sent(event, event.attempts + 1, tuple(attempt.records)))

    def _attempt(self, event: Claimed) -> Attempt:
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
            posting=partial(self._posting, event),
            looking=partial(self._looking, event),
            first_attempt_at=event.first_attempt_at,
        )
        try:
            deliver(attempt)
        except PayloadError as err:
            raise Failed(str(err)) from err
        return attempt

    def _posting(self, event: Claimed) -> None:
        """Just before a post: wait for room in the workspace's window (the admission at
        dispatch made it short), but not through a Retry-After another event was given."""
        for _ in range(10):
            closed, full, made = self._budgets.take(event.team_id, Scope.POST)
            if closed > 0:
                raise Retry(closed, "ratelimited", limited=Scope.POST, tried=False)
            if full == 0:
                self._in_hand.calling(event.team_id, event.id)
                self._pacer.posting(event.target)
                self._in_hand.made(event.id, Scope.POST, made)
                return
            self._sleep(full)
        raise Retry(full, "post budget", tried=False)

    def _looking(self, event: Claimed) -> None:
        """Just before a look back through history: only within the workspace's budget."""
        closed, full, made = self._budgets.take(event.team_id, Scope.LOOKUP)
        if closed or full:
            raise Retry(max(closed, full), "history budget", tried=False)
        self._in_hand.made(event.id, Scope.LOOKUP, made)

    def _retry(self, event: Claimed, retry: Retry, claimed_at: float) -> None:
        attempts = event.attempts + (1 if retry.tried else 0)
        if attempts >= MAX_ATTEMPTS:
            log.warning("outbox %s %s failed after %s attempts", event.kind, event.id, attempts)
            self._give_up(event, retry.reason, private=False)
            return
        after = backoff(attempts) if retry.after is None else retry.after
        doubt = event.in_doubt or retry.doubt
        running = self._thread is not None and not self._stopping.is_set()
        if running and retry.limited is Scope.POST and after <= HOLD and not doubt:
            # Refused for the workspace's posts, whose budget is now closed for `after`: held
            # here, it goes the moment the window has passed, without a round trip to the queue.
            with self._lock:
                self._returned.append((replace(event, attempts=attempts), claimed_at))
        else:
            self._later(event, attempts, after, retry.reason, doubt)
        if retry.tried:
            self._metrics.delivered(event.kind, "retry", retry.reason)

    def _later(self, event: Claimed, attempts: int, after: float, error: str, doubt: bool) -> None:
        delivery.retry(self._services, event, attempts, after=after, error=error, doubt=doubt)
        with self._lock:
            self._claim_at = min(self._claim_at, self._monotonic() + after)

    def _release(self) -> None:
        """Stopping: give back what is held and was never tried, so it is not in doubt."""
        with self._lock:
            returned, self._returned = self._returned, []
        held, self._backlog = [*self._backlog, *returned], []
        for event, _ in held:
            self._later(event, event.attempts, 0, "paced", event.in_doubt)

    def _give_up(self, event: Claimed, error: str, *, private: bool) -> None:
        delivery.failed(self._services, event, event.attempts + 1, error)
        self._metrics.delivered(event.kind, "failed", error)
        if delivery.report_undelivered(self._services, event, error, private=private):
            self.notify()
