"""Figure 1: ack latency of the bot against a bare Bolt app that only acks.

Both servers run at once, each in its own process under the same HttpServer settings, on one
fake Slack. The load alternates batches between them (ours, bare, bare, ours, …) so whatever
else the machine does at a moment hits both alike. Each load worker keeps one connection to
each server and acts in a channel (project) of its own, so `klar`/`pågår` never race.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.figure import Budget, Figure, Options, Result, Table
from benchmarks.harness import (
    BOT_TOKEN,
    DatabaseUnavailable,
    ServerProcess,
    Workspace,
    database,
    servers,
    workspace,
)
from benchmarks.load import Load, batch
from benchmarks.stats import ms, percentile, ratio
from benchmarks.surfaces import SURFACES, Surface, seed
from bot.emulator import FakeSlack

CONCURRENCY = (1, 8, 32)
TARGET_RATIO = 1.5
KINDS = ("ours", "bare")


@dataclass(frozen=True)
class Plan:
    """Requests per server for each concurrency, and how many each worker sends per batch."""

    samples: dict[int, int]
    per_worker: dict[int, int]
    warmup: int

    @classmethod
    def for_run(cls, options: Options) -> Plan:
        if options.quick:
            return cls(
                samples={c: 2 * c for c in CONCURRENCY},
                per_worker=dict.fromkeys(CONCURRENCY, 1),
                warmup=2,
            )
        return cls(
            samples={1: 1000, 8: 2000, 32: 3200},
            per_worker={1: 50, 8: 25, 32: 10},
            warmup=40,
        )


@dataclass
class Cell:
    """The samples of one surface at one concurrency, per server."""

    surface: Surface
    concurrency: int
    seconds: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})


def measure(
    running: dict[str, ServerProcess],
    ws: Workspace,
    surfaces: Sequence[Surface],
    plan: Plan,
    budget: Budget,
    share: float,
) -> list[Cell]:
    """Every surface at every concurrency; rounds stop early when this database's share of
    the budget is spent, so a slow machine reports fewer samples instead of overrunning."""
    load = Load()
    cells = []
    deadline = budget.elapsed + share * budget.left
    steps = len(CONCURRENCY) * len(surfaces)
    step = 0
    for concurrency in CONCURRENCY:
        with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="load") as pool:
            for surface in surfaces:
                cell = Cell(surface, concurrency)
                per_worker = plan.per_worker[concurrency]
                # Warm up: templates compiled, locale cached, connections open.
                for kind in KINDS:
                    for _ in range(max(1, plan.warmup // (per_worker * concurrency))):
                        batch(pool, running[kind], ws, surface, load, concurrency, per_worker)
                rounds = max(1, plan.samples[concurrency] // (per_worker * concurrency))
                step += 1
                cell_deadline = budget.elapsed + (deadline - budget.elapsed) / (steps - step + 1)
                for r in range(rounds):
                    order = KINDS if r % 2 == 0 else tuple(reversed(KINDS))
                    for kind in order:
                        cell.seconds[kind] += batch(
                            pool, running[kind], ws, surface, load, concurrency, per_worker
                        )
                    if budget.elapsed > cell_deadline and r % 2 == 1:
                        break
                cells.append(cell)
    return cells


def _table(database_name: str, cells: Sequence[Cell]) -> Table:
    rows = []
    for cell in cells:
        ours, bare = cell.seconds["ours"], cell.seconds["bare"]
        p99 = percentile(ours, 99), percentile(bare, 99)
        rows.append(
            [
                cell.surface.name,
                str(cell.concurrency),
                f"{len(ours)}/{len(bare)}",
                ms(percentile(ours, 50)),
                ms(p99[0]),
                ms(percentile(bare, 50)),
                ms(p99[1]),
                ratio(percentile(ours, 50), percentile(bare, 50)),
                ratio(*p99),
                "yes" if p99[0] <= TARGET_RATIO * p99[1] else "**no**",
            ]
        )
    return Table(
        title=f"Ack latency on {database_name} (milliseconds)",
        headers=[
            "surface",
            "concurrent",
            "requests ours/bare",
            "ours p50",
            "ours p99",
            "bare p50",
            "bare p99",
            "ours/bare p50",
            "ours/bare p99",
            f"p99 ≤ {TARGET_RATIO}×",
        ],
        rows=rows,
    )


def run(options: Options, budget: Budget) -> Result:
    result = Result()
    plan = Plan.for_run(options)
    databases = list(options.databases)
    result.setup.append(
        f"Surfaces: {'; '.join(f'{s.name} = {s.label}' for s in SURFACES)}. "
        f"{max(CONCURRENCY)} projects, one per load worker, each seeded through the bot's own "
        "commands: every activity with an owner, a due date and a status (with notes), all "
        "decision-basis documents linked, steering group, chair, vote and stakeholder channels."
    )
    for i, name in enumerate(databases):
        with FakeSlack(token=BOT_TOKEN) as fake:
            ws = workspace(fake, max(CONCURRENCY))
            try:
                with (
                    database(name, options.workdir) as url,
                    servers(
                        KINDS, fake=fake, database_url=url, logdir=Path(options.workdir)
                    ) as running,
                ):
                    seed(running["ours"].requester, ws, SURFACES)
                    cells = measure(
                        running, ws, SURFACES, plan, budget, share=1 / (len(databases) - i)
                    )
            except DatabaseUnavailable as missing:
                result.meaning.append(f"Not measured on {name}: {missing}.")
                continue
            if fake.errors:
                raise RuntimeError(f"the fake Slack failed while serving: {fake.errors[0]}")
        result.tables.append(_table(name, cells))
        result.meaning.append(_verdict(name, cells))
    return result


def _verdict(database_name: str, cells: Sequence[Cell]) -> str:
    missed = [
        f"{c.surface.name} at {c.concurrency}"
        for c in cells
        if percentile(c.seconds["ours"], 99) > TARGET_RATIO * percentile(c.seconds["bare"], 99)
    ]
    worst = max(cells, key=lambda c: percentile(c.seconds["ours"], 99))
    head = (
        f"On {database_name}, ours/bare at p99 is within {TARGET_RATIO}× everywhere."
        if not missed
        else f"On {database_name}, ours/bare at p99 misses {TARGET_RATIO}× for {', '.join(missed)}."
    )
    return (
        f"{head} The slowest p99 is {ms(percentile(worst.seconds['ours'], 99))} ms "
        f"({worst.surface.name} at {worst.concurrency} concurrent), against Slack's 3 s limit."
    )


FIGURE = Figure(
    name="ack",
    title="Ack latency: the bot against a bare Bolt app",
    issue="8/8",
    budget_seconds=270,
    run=run,
)
