"""One tick: all the work that is due, in batches claimed from the database.

Each step (a job of tick_jobs) claims up to `batch` rows (with `FOR UPDATE SKIP LOCKED` on
PostgreSQL) and does their work in one transaction; a step runs again while it fills its batch,
up to a bound. Any number of tickers, in threads or replicas, can run at once: a row is claimed
by one of them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.services import replays
from bot.services import tick_jobs as jobs
from bot.services.context import Services
from bot.services.tick_report import TickReport

BATCH = 500
MAX_BATCHES = 1000  # a bound on one tick's loop: 500,000 rows, far beyond any workspace

Step = Callable[[Services, datetime, int, TickReport], int]

STEPS: tuple[Step, ...] = (
    jobs.run_schedules,
    jobs.run_snoozes,
    jobs.run_escalations,
    jobs.run_deadlines,
    jobs.run_non_voter_reminders,
    jobs.run_justering_reminders,
    jobs.forget_old_events,
    jobs.forget_old_reminder_messages,
    replays.forget_old,
)


def tick(services: Services, now: datetime, *, batch: int = BATCH) -> TickReport:
    """Do everything due at `now`; return what was queued."""
    report = TickReport()
    for step in STEPS:
        for _ in range(MAX_BATCHES):
            if step(services, now, batch, report) < batch:
                break
    return report
