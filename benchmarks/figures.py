"""The one list of figures `python -m benchmarks` runs, in order, and those still to come.

To add a figure: write `benchmarks/<name>.py` with a `FIGURE = Figure(...)` whose `run` keeps
to its budget, append it to `FIGURES`, and drop its line from `NOT_YET_MEASURED`. The budgets
add up to less than ten minutes; a new figure takes its share from there.
"""

from __future__ import annotations

from benchmarks import ack, fanout, history, limits, memory, queries, tick
from benchmarks.figure import Figure, Pending

FIGURES: list[Figure] = [
    ack.FIGURE,
    queries.FIGURE,
    memory.FIGURE,
    tick.FIGURE,
    fanout.FIGURE,
    limits.FIGURE,
]

# Figures too long for the ten minutes, run by name (`--only history`): Slack's history budget
# is one look a minute, so a decision with three posts in doubt takes over two minutes.
LONG_FIGURES: list[Figure] = [history.FIGURE]

NOT_YET_MEASURED: list[Pending] = []

TOTAL_BUDGET_SECONDS = 600


def budgets_fit() -> bool:
    return sum(f.budget_seconds for f in FIGURES) < TOTAL_BUDGET_SECONDS
