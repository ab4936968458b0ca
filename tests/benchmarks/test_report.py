"""The runner's contract: figures registered once, budgets within ten minutes, an honest report."""

from __future__ import annotations

from benchmarks.figure import Figure, Options, Result, Table
from benchmarks.figures import FIGURES, NOT_YET_MEASURED, TOTAL_BUDGET_SECONDS, budgets_fit
from benchmarks.report import Outcome, render
from benchmarks.stats import percentile


def test_figures_have_unique_names_and_their_budgets_fit_in_ten_minutes() -> None:
    names = [f.name for f in FIGURES]
    assert len(set(names)) == len(names)
    assert {"ack", "queries", "memory"} <= set(names)
    assert budgets_fit()
    assert TOTAL_BUDGET_SECONDS == 600


def test_report_has_machine_figures_and_what_is_not_measured_yet() -> None:
    def run(_options: Options, _budget: object) -> Result:
        raise AssertionError("not run here")

    figure = Figure(name="demo", title="A demo figure", issue="8/8", budget_seconds=5, run=run)
    result = Result(
        tables=[Table("Numbers", ["a", "b"], [["1", "2"]])],
        meaning=["First paragraph.", "Second paragraph."],
        setup=["How it was measured."],
    )
    text = render(
        [Outcome(figure, result, 1.5)],
        NOT_YET_MEASURED,
        total_seconds=2,
        commands=[("make bench", "all")],
    )
    for expected in (
        "## Machine",
        "| CPU |",
        "| slack-bolt |",
        "make bench",
        "## 1. A demo figure",
        "| a | b |",
        "| 1 | 2 |",
        "**What it means.** First paragraph.",
        "Second paragraph.",
    ):
        assert expected in text, expected
    # Every figure is measured now; a pending one would be listed under its own heading.
    assert ("## Not yet measured" in text) == bool(NOT_YET_MEASURED)
    for pending in NOT_YET_MEASURED:
        assert pending.title in text
    assert "TODO" not in text and "TBD" not in text


def test_percentile_is_nearest_rank() -> None:
    samples = [float(n) for n in range(1, 101)]
    assert percentile(samples, 50) == 50
    assert percentile(samples, 99) == 99
    assert percentile([3.0], 99) == 3.0
