"""Figure 3: resident memory of the bot's process against the bare app's, after start and
after 4,000 requests, each server in a process of its own (read from /proc/<pid>/status; on
PostgreSQL the bot's is two, serve and its sender's process, summed).

The requests alternate `status` and `klar`/`pågår` over 8 projects at 8 concurrent, the two
servers taking turns by batch as in the ack figure. Seeding the projects (through the bot's
own commands) happens after the "after start" reading and is not among the 4,000.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.figure import Budget, Figure, Options, Result, Table
from benchmarks.harness import BOT_TOKEN, DatabaseUnavailable, database, servers, workspace
from benchmarks.load import Load, batch
from benchmarks.stats import mib
from benchmarks.surfaces import SURFACES, seed
from bot.emulator import FakeSlack

KINDS = ("ours", "bare")
CONCURRENCY = 8
PER_WORKER = 25


def checkpoints(options: Options) -> tuple[int, ...]:
    # 4,000, not 10,000: a vote click or a `klar` costs the bot 10–20 ms of CPU at 8 at once,
    # and 2 × 10,000 no longer fitted the budget (the run stopped at 4,200, then 5,000 of 6,000).
    return (0, 40, 200) if options.quick else (0, 1000, 4_000)


def run(options: Options, budget: Budget) -> Result:
    result = Result()
    marks = checkpoints(options)
    per_worker = 5 if options.quick else PER_WORKER
    rows: list[list[str]] = []
    # One database: memory differs between them by little more than the driver, and 2 × 4,000
    # requests of each kind are most of the run's ten minutes already.
    databases = list(options.databases)
    for name in databases:
        if rows:
            break
        deadline = budget.seconds
        readings: dict[str, list[dict[str, int]]] = {k: [] for k in KINDS}
        sent = {k: 0 for k in KINDS}
        try:
            with (
                FakeSlack(token=BOT_TOKEN) as fake,
                database(name, options.workdir) as url,
                servers(
                    KINDS, fake=fake, database_url=url, logdir=Path(options.workdir)
                ) as running,
                ThreadPoolExecutor(max_workers=CONCURRENCY, thread_name_prefix="load") as pool,
            ):
                ws = workspace(fake, CONCURRENCY)
                for kind in KINDS:
                    readings[kind].append(running[kind].rss_kib())
                seed(running["ours"].requester, ws, SURFACES)
                load = Load()
                step = CONCURRENCY * per_worker
                for mark in marks[1:]:
                    # Bounded by the count; a budget overrun stops early and the row says so.
                    while sent["ours"] < mark and budget.elapsed < deadline:
                        turn = sent["ours"] // step
                        surface = SURFACES[turn % len(SURFACES)]
                        for kind in KINDS if turn // 2 % 2 == 0 else KINDS[::-1]:
                            batch(pool, running[kind], ws, surface, load, CONCURRENCY, per_worker)
                            sent[kind] += step
                    for kind in KINDS:
                        readings[kind].append(running[kind].rss_kib())
        except DatabaseUnavailable as missing:
            result.meaning.append(f"Not measured on {name}: {missing}.")
            continue
        if sent["ours"] < marks[-1]:
            result.meaning.append(
                f"The budget ran out after {sent['ours']:,} of {marks[-1]:,} requests."
            )
        for kind in KINDS:
            rss = [r["VmRSS"] for r in readings[kind]]
            rows.append(
                [
                    name,
                    kind,
                    *(mib(v) for v in rss),
                    mib(rss[-1] - rss[1]),
                    mib(readings[kind][-1]["VmHWM"]),
                    str(sent[kind]),
                ]
            )
        ours = [r["VmRSS"] for r in readings["ours"]]
        bare = [r["VmRSS"] for r in readings["bare"]]
        result.meaning.append(
            f"On {name}, the bot starts {mib(ours[0] - bare[0])} MiB above the bare app and "
            f"ends {mib(ours[-1] - bare[-1])} MiB above it; from request {marks[1]:,} to "
            f"{sent['ours']:,} it grew {mib(ours[-1] - ours[1])} MiB "
            f"(the bare app {mib(bare[-1] - bare[1])} MiB)."
        )
    if rows:
        result.tables.append(
            Table(
                title="Resident memory (MiB)",
                headers=[
                    "database",
                    "server",
                    "after start",
                    *(f"after {m:,} requests" for m in marks[1:]),
                    f"growth {marks[1]:,}→{marks[-1]:,}",
                    "peak (VmHWM)",
                    "requests sent",
                ],
                rows=rows,
            )
        )
    return result


FIGURE = Figure(
    name="memory",
    title="Resident memory: the bot against a bare Bolt app",
    issue="8/8",
    budget_seconds=150,  # 4,000 requests of each server: about 120 s on the 2-core machine
    run=run,
)
