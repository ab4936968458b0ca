"""The tick: one APScheduler job with a fixed id that does whatever work is due.

What is due lives in the database, not in the scheduler: APScheduler only says "look now" every
`interval` seconds (and once at start, which is how work missed during downtime is caught up).
A fixed job id with `max_instances=1` and `coalesce=True` means one tick at a time per process
and no pile-up after a pause; across processes the database claims keep ticks from colliding.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from bot.metrics import Metrics
from bot.services import tick as ticking
from bot.services.context import Services
from bot.services.tick_report import TickReport

log = logging.getLogger(__name__)

TICK_JOB_ID = "forvaltningsbot-tick"


class Ticker:
    def __init__(
        self,
        services: Services,
        notify: Callable[[], None],
        *,
        interval_seconds: float = 30,
        metrics: Metrics | None = None,
    ) -> None:
        self._services = services
        self._metrics = metrics or Metrics()
        self._notify = notify
        self._interval = interval_seconds
        self._scheduler = BackgroundScheduler(timezone=UTC)

    def tick(self) -> TickReport:
        """One tick now, on the caller's thread: what the job runs, and what tests call."""
        started = time.perf_counter()
        report = ticking.tick(self._services, self._services.clock())
        seconds = time.perf_counter() - started
        self._metrics.tick_seconds.observe(seconds)
        if report.queued:
            self._notify()
        log.debug("tick %s in %.1f ms", report, seconds * 1000)
        return report

    def _job(self) -> None:
        try:
            self.tick()
        except Exception:  # a database outage must not kill the job; the next tick retries
            self._metrics.tick_failures.inc()
            log.exception("tick failed")

    def start(self) -> None:
        self._scheduler.add_job(
            self._job,
            "interval",
            seconds=self._interval,
            id=TICK_JOB_ID,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),  # catch up at once after downtime
        )
        self._scheduler.start()

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
