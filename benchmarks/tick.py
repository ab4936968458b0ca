"""Figure 4: the tick, idle and with 1% due, over 10,000 and 100,000 activities.

The rows are written straight into the bot's tables (projects of the shipped template: seven
activities each, an owner on every one, a reminder schedule per project); then the tick is
timed in this process exactly as the bot's scheduler calls it. *Idle*: nothing is due, so the
tick is its index probes (schedules, snoozes, escalations, vote deadlines, non-voters, old
event ids). *1% due*: the schedules of 1% of the projects (so 1% of the activities) are due,
and the tick plans their reminders and digests and queues them in the outbox; between rounds
the queued events are removed and the same schedules made due again.
"""

from __future__ import annotations

import gc
import statistics
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlmodel import col

from benchmarks.figure import Budget, Figure, Options, Result, Table
from benchmarks.harness import DatabaseUnavailable, database
from bot.domain.activities import ActivityStatus
from bot.phases import load_phase
from bot.services.context import Services
from bot.services.tick import tick
from storage.db import Database, upgrade
from storage.models import Activity, OutboxEvent, Project, ReminderSchedule

SIZES = (10_000, 100_000)
IDLE_ROUNDS = 200
DUE_ROUNDS = 11
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday, 10:00 in Stockholm
TARGET_IDLE_MS = 5.0
TARGET_DUE_MS = 100.0


def seed(db: Database, activities: int, keys: list[str]) -> int:
    """`activities` rows in projects of len(keys); returns the number of projects."""
    count = activities // len(keys)
    later = NOW + timedelta(days=7)
    with db.session() as session:
        session.execute(
            insert(Project),
            [
                {
                    "team_id": "T1",
                    "channel_id": f"C{n:07d}",
                    "name": f"Projekt {n}",
                    "name_key": f"projekt {n}",  # bot.domain.naming.normalize of the name
                    "phase_key": "etablera-forvaltning",
                    "lead_id": "ULEAD",
                    "created_at": NOW,
                }
                for n in range(count)
            ],
        )
    with db.session() as session:
        ids = list(session.execute(select(col(Project.id)).order_by(col(Project.id))).scalars())
        session.execute(
            insert(Activity),
            [
                {
                    "project_id": pid,
                    "key": key,
                    "status": ActivityStatus.IN_PROGRESS.value,
                    # Seven owners a project, drawn from 5,000 people: a reminder each.
                    "owner_id": f"U{(pid * 7 + i) % 5000:05d}",
                    "updated_at": NOW,
                }
                for pid in ids
                for i, key in enumerate(keys)
            ],
        )
        session.execute(
            insert(ReminderSchedule),
            [
                {"project_id": pid, "spec": "mån 09:00", "next_run_at": later, "updated_at": NOW}
                for pid in ids
            ],
        )
    return count


def _make_due(db: Database, projects: int) -> None:
    """The first 1% of the projects have an occurrence now; no earlier events queued."""
    with db.session() as session:
        session.execute(delete(OutboxEvent))
        session.execute(
            update(ReminderSchedule)
            .where(col(ReminderSchedule.project_id) <= max(1, projects // 100))
            .values(next_run_at=NOW)
        )


def _ms(samples: list[float]) -> tuple[str, str]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):.2f}", f"{p99:.2f}"


def run(options: Options, budget: Budget) -> Result:
    phase = load_phase()
    keys = [a.key for a in phase.activities]
    sizes = SIZES[:1] if options.quick else SIZES
    rows: list[list[str]] = []
    notes: list[str] = []
    for kind in options.databases:
        for size in sizes:
            if budget.left < 10:
                notes.append(f"{kind}, {size:,} activities: skipped, the budget ran out")
                continue
            try:
                with database(kind, options.workdir) as url:
                    db = Database.from_url(url)
                    upgrade(db.engine)
                    projects = seed(db, size, keys)
                    services = Services(
                        db=db, phases={phase.key: phase}, default_phase=phase.key, clock=lambda: NOW
                    )
                    tick(services, NOW)  # warm: caches, prepared plans, the holiday calendar
                    gc.freeze()  # as the bot does once started (Bot.start_background_work)
                    idle: list[float] = []
                    for _ in range(IDLE_ROUNDS if not options.quick else 20):
                        started = time.perf_counter()
                        report = tick(services, NOW)
                        idle.append((time.perf_counter() - started) * 1000)
                        assert report.queued == 0
                    _make_due(db, projects)
                    tick(services, NOW)  # the first round with work due fills caches: not counted
                    due: list[float] = []
                    queued = 0
                    collected = 0
                    for _ in range(DUE_ROUNDS if not options.quick else 2):
                        _make_due(db, projects)
                        full_gcs = gc.get_stats()[2]["collections"]
                        started = time.perf_counter()
                        report = tick(services, NOW)
                        due.append((time.perf_counter() - started) * 1000)
                        collected += gc.get_stats()[2]["collections"] > full_gcs
                        queued = report.queued
                    db.dispose()
            except DatabaseUnavailable as exc:
                notes.append(f"{kind}: {exc}")
                continue
            idle_p50, idle_p99 = _ms(idle)
            due_p50, due_p99 = _ms(due)
            rows.append(
                [
                    kind,
                    f"{size:,}",
                    idle_p50,
                    idle_p99,
                    f"{projects // 100:,} projects, {queued:,} events",
                    due_p50,
                    due_p99,
                    f"{collected} of {len(due)}",
                ]
            )
    table = Table(
        "Tick time (ms)",
        [
            "database",
            "activities",
            "idle p50",
            "idle p99",
            "1% due",
            "due p50",
            "due p99",
            "due rounds with a full GC",
        ],
        rows,
    )
    meaning = [
        f"Targets: idle under {TARGET_IDLE_MS:.0f} ms, 1% of 100,000 due under "
        f"{TARGET_DUE_MS:.0f} ms. Idle is a handful of index probes, one per kind of due work, "
        "so it does not grow with the number of activities. With work due, the tick claims the "
        "due schedules in batches of 500 (one query), loads their activities in one query, "
        "plans in Python and queues every reminder and digest in one multi-row INSERT, then "
        "advances the schedules in one executemany. It reads plain column rows, not ORM "
        "objects: building a SQLModel instance costs about 0.1 ms, which made 1% of 100,000 "
        "take 150-220 ms on PostgreSQL before. p99 is the worst of a few rounds on a shared "
        "2-core machine; the median is the figure to hold against the target. The last column "
        "counts the rounds in which Python ran a full (generation 2) garbage collection. Before "
        "the bot froze its start-up objects out of the collector's view (gc.freeze() once "
        "started, as this figure does after its warm-up), each such round took about 80 ms "
        "more, which put the p99 of 1% of 100,000 over 100 ms.",
        *notes,
    ]
    return Result(tables=[table], meaning=meaning)


FIGURE = Figure(
    name="tick",
    title="Scheduler tick, idle and with 1% due, 10,000 and 100,000 activities",
    issue="3/8 and 8/8",
    budget_seconds=40,  # 6-7 s on the shared machine; figure 6 took the rest
    run=run,
)
