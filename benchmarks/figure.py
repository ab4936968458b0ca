"""What a figure is: a module that measures within a time budget and returns tables."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Table:
    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]


@dataclass
class Result:
    """What a figure found: tables, and the paragraph saying what they mean."""

    tables: list[Table] = field(default_factory=list)
    meaning: list[str] = field(default_factory=list)
    setup: list[str] = field(default_factory=list)


class Budget:
    """A figure's share of the run's time; loops ask it before each round and stop in time."""

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self.started = clock()

    @property
    def elapsed(self) -> float:
        return self._clock() - self.started

    @property
    def left(self) -> float:
        return self.seconds - self.elapsed

    def fraction_left(self) -> float:
        return max(0.0, self.left / self.seconds) if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class Options:
    """How the run was asked for: `quick` shrinks every figure to a smoke test of itself."""

    quick: bool = False
    databases: tuple[str, ...] = ("postgresql", "sqlite")
    workdir: Path = Path(".")


@dataclass(frozen=True)
class Figure:
    """One figure of BENCHMARKS.md. `run` must return before `budget_seconds` (checked)."""

    name: str
    title: str
    issue: str
    budget_seconds: float
    run: Callable[[Options, Budget], Result]


@dataclass(frozen=True)
class Pending:
    """A figure the report lists under "Not yet measured" until its module is registered."""

    title: str
    issue: str
    why: str
