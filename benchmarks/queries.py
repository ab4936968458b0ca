"""Figure 2: SQL statements per request, for the shipped template (7 activities) and for one
ten times its size (70), built here from the shipped TOML. The count must not grow with the
number of activities: one query per table, never one per activity.

Counted with SQLAlchemy's `before_cursor_execute` on the bot's own engine while the bot, built
in this process without its outbox sender, serves one signed request at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sqlalchemy import Engine, event

from benchmarks.figure import Budget, Figure, Options, Result, Table
from benchmarks.harness import (
    BOT_TOKEN,
    DatabaseUnavailable,
    Workspace,
    bot_in_process,
    check,
    database,
    workspace,
)
from benchmarks.surfaces import MARK, STATUS, Surface, seed
from bot.domain.phase import Phase, parse_phase
from bot.emulator import FakeSlack
from bot.phases import DEFAULT_PHASE, load_phase
from storage import driver

REPEATS = 5
_ACTIVITY = re.compile(r"^\[\[activities\]\]\n(?:.+\n?)+", re.MULTILINE)


def big_phase(copies: int = 10) -> Phase:
    """The shipped template with its activities repeated `copies` times: 1–4, 5–8, … with
    their sub-activities, keys suffixed `-2`, `-3`, …; validated like any template."""
    source = (
        resources.files("bot.phases").joinpath(f"{DEFAULT_PHASE}.toml").read_text(encoding="utf-8")
    )
    blocks = [b.rstrip("\n") for b in _ACTIVITY.findall(source)]
    tops = sum(1 for b in blocks if "\nparent = " not in b)

    def copy(block: str, k: int) -> str:
        block = re.sub(
            r'^number = "(\d+)',
            lambda m: f'number = "{int(m[1]) + k * tops}',
            block,
            flags=re.MULTILINE,
        )
        return re.sub(
            r'^(key|parent) = "([^"]+)"',
            lambda m: f'{m[1]} = "{m[2]}-{k + 1}"',
            block,
            flags=re.MULTILINE,
        )

    extra = [copy(b, k) for k in range(1, copies) for b in blocks]
    source = source.replace(blocks[-1], "\n\n".join([blocks[-1], *extra]), 1)
    source = re.sub(
        r'^key = "([^"]+)"', rf'key = "\1-x{copies}"', source, count=1, flags=re.MULTILINE
    )
    phase = parse_phase(source, origin=f"{DEFAULT_PHASE}.toml ×{copies}")
    assert len(phase.activities) == copies * len(blocks)
    return phase


class StatementLog:
    """Every statement the engine sends to the database while `recording()` is open."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[str] = []
        self._on = False

    def _record(self, *args: Any) -> None:
        if self._on:
            self.statements.append(str(args[2]))

    def _record_driver(self, statement: str) -> None:
        if self._on:
            self.statements.append(statement)

    @contextmanager
    def recording(self) -> Iterator[list[str]]:
        self.statements = []
        event.listen(self.engine, "before_cursor_execute", self._record)
        # The hot paths' statements go straight to the driver (storage.driver), past the events.
        driver.WATCHERS.append(self._record_driver)
        self._on = True
        try:
            yield self.statements
        finally:
            self._on = False
            driver.WATCHERS.remove(self._record_driver)
            event.remove(self.engine, "before_cursor_execute", self._record)


@dataclass(frozen=True)
class Counted:
    activities: int
    per_request: dict[str, list[int]]  # surface → statements of each repeat
    statements: dict[str, list[str]]  # surface → the statements of the first request


def count_statements(
    fake: FakeSlack,
    ws: Workspace,
    database_url: str,
    phase: Phase,
    channel: int,
    surfaces: Sequence[Surface] = (STATUS, MARK),
    repeats: int = REPEATS,
) -> Counted:
    """Seed a project of `phase` in channel `channel`, then count each surface's statements."""
    per_request: dict[str, list[int]] = {}
    statements: dict[str, list[str]] = {}
    with bot_in_process(fake, database_url, phase=phase) as (bot, requester):
        seed(requester, ws, [], phase=phase, channels=[channel])
        log = StatementLog(bot.db.engine)
        for surface in surfaces:
            counts = []
            for n in range(repeats):
                with log.recording() as sent:
                    response = surface.send(requester, ws, channel, n)
                check(response, surface.name, surface.expect)
                counts.append(len(sent))
                statements.setdefault(surface.name, list(sent))
            per_request[surface.name] = counts
    return Counted(len(phase.activities), per_request, statements)


def run(options: Options, budget: Budget) -> Result:
    result = Result()
    result.setup.append(
        "The bot is built in this process without its outbox sender (so every statement on "
        "its engine belongs to the request), a project seeded as in the ack figure, then "
        f"{REPEATS} signed requests of each surface, one at a time; `klar`/`pågår` alternate, "
        "so each one writes. The 70-activity template is the shipped one with its activities "
        "repeated ten times (1–40 with sub-activities), parsed and validated as a template."
    )
    phases = [load_phase(), big_phase()]
    rows: list[list[str]] = []
    examples: dict[str, list[str]] = {}
    grows: list[str] = []
    for name in options.databases:
        try:
            with database(name, options.workdir) as url, FakeSlack(token=BOT_TOKEN) as fake:
                ws = workspace(fake, len(phases))
                counted = [
                    count_statements(fake, ws, url, phase, channel=i)
                    for i, phase in enumerate(phases)
                ]
        except DatabaseUnavailable as missing:
            result.meaning.append(f"Not measured on {name}: {missing}.")
            continue
        for surface in (STATUS.name, MARK.name):
            small, big = (max(c.per_request[surface]) for c in counted)
            varied = any(len(set(c.per_request[surface])) > 1 for c in counted)
            if big > small:
                grows.append(f"{surface} on {name}")
            rows.append(
                [
                    name,
                    surface,
                    *(_counts(c.per_request[surface]) for c in counted),
                    "**grows**" if big > small else "no",
                ]
            )
            if varied:
                result.meaning.append(f"{surface} on {name}: the count varies between repeats.")
        examples.setdefault(name, counted[0].statements[STATUS.name])
    if not rows:
        return result
    result.tables.append(
        Table(
            title="SQL statements per request",
            headers=[
                "database",
                "surface",
                f"{len(phases[0].activities)} activities",
                f"{len(phases[1].activities)} activities",
                "grows with activities",
            ],
            rows=rows,
        )
    )
    for name, statements in examples.items():
        result.tables.append(
            Table(
                title=f"The statements of one `status` request on {name}",
                headers=["#", "statement"],
                rows=[[str(i + 1), f"`{_short(s)}`"] for i, s in enumerate(statements)],
            )
        )
    result.meaning.insert(
        0,
        "The statement count does not grow with the number of activities."
        if not grows
        else f"The statement count grows with the number of activities for {', '.join(grows)}.",
    )
    return result


def _counts(counts: Sequence[int]) -> str:
    return str(counts[0]) if len(set(counts)) == 1 else "–".join(map(str, sorted(set(counts))))


def _short(statement: str, limit: int = 110) -> str:
    flat = " ".join(statement.split())
    flat = re.sub(r"SELECT .+? FROM", "SELECT … FROM", flat, count=1)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


FIGURE = Figure(
    name="queries",
    title="SQL statements per request: 7 against 70 activities",
    issue="8/8",
    budget_seconds=30,
    run=run,
)
