"""One tick: all the work that is due, in batches claimed from the database.

Each step claims up to `batch` rows (with `FOR UPDATE SKIP LOCKED` on PostgreSQL) and does their
work in one transaction; a step runs again while it fills its batch, up to a bound. Any number
of tickers, in threads or replicas, can run at once: a row is claimed by one of them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from bot.services import reminders, replays, votes
from bot.services.context import Services
from bot.services.tick_report import TickReport
from storage import events

BATCH = 500
MAX_BATCHES = 1000  # a bound on one tick's loop: 500,000 rows, far beyond any workspace

Step = Callable[[Services, datetime, int, TickReport], int]


def _deadlines(services: Services, now: datetime, batch: int, report: TickReport) -> int:
    claimed, closed = votes.run_deadlines(services, now, batch)
    report.votes_closed += closed
    return claimed


def _non_voters(services: Services, now: datetime, batch: int, report: TickReport) -> int:
    claimed, sent = votes.run_non_voter_reminders(services, now, batch)
    report.vote_reminders += sent
    return claimed


EVENT_MEMORY = timedelta(days=1)  # Slack retries within minutes; a day is ample


def _old_events(services: Services, now: datetime, batch: int, report: TickReport) -> int:
    with services.db.session() as session:
        return events.forget_before(session=session, before=now - EVENT_MEMORY, limit=batch)


STEPS: tuple[Step, ...] = (
    reminders.run_schedules,
    reminders.run_snoozes,
    reminders.run_escalations,
    _deadlines,
    _non_voters,
    _old_events,
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
