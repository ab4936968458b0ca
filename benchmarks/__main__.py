"""`python -m benchmarks`: run every registered figure and rewrite BENCHMARKS.md."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.figure import Budget, Options
from benchmarks.figures import FIGURES, LONG_FIGURES, NOT_YET_MEASURED, TOTAL_BUDGET_SECONDS
from benchmarks.harness import ROOT
from benchmarks.report import Outcome, render

COMMANDS = [
    ("make bench", "every figure; rewrites BENCHMARKS.md (under 10 min)"),
    (".venv/bin/python -m benchmarks", "the same, without make"),
    (".venv/bin/python -m benchmarks --only ack", "one figure, printed (or --output FILE)"),
    (".venv/bin/python -m benchmarks --only history", "the decision at the history budget (5 min)"),
    (".venv/bin/python -m benchmarks --database sqlite", "one database only"),
    (".venv/bin/python -m benchmarks --quick", "seconds-long smoke run of every figure"),
]
DATABASES = ("postgresql", "sqlite")  # production's first; the memory figure takes the first


def main(argv: Sequence[str] | None = None) -> int:
    names = [f.name for f in FIGURES + LONG_FIGURES]
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--only", nargs="+", choices=names, help="run only these figures")
    parser.add_argument(
        "--database", nargs="+", choices=DATABASES, default=list(DATABASES), dest="databases"
    )
    parser.add_argument("--quick", action="store_true", help="tiny counts: a smoke test")
    parser.add_argument(
        "--output",
        type=Path,
        help="where to write the report (default: BENCHMARKS.md for a full run, else stdout)",
    )
    args = parser.parse_args(argv)
    chosen = [f for f in FIGURES + LONG_FIGURES if f.name in args.only] if args.only else FIGURES
    output: Path | None = args.output
    if output is None and not args.only and not args.quick:
        output = ROOT / "BENCHMARKS.md"

    started = time.monotonic()
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="forvaltningsbot-bench-") as workdir:
        options = Options(quick=args.quick, databases=tuple(args.databases), workdir=Path(workdir))
        for figure in chosen:
            print(
                f"{figure.name}: {figure.title} (budget {figure.budget_seconds:.0f} s)",
                file=sys.stderr,
            )
            budget = Budget(figure.budget_seconds)
            result = figure.run(options, budget)
            outcomes.append(Outcome(figure, result, budget.elapsed))
            over = " (OVER BUDGET)" if budget.elapsed > figure.budget_seconds else ""
            print(f"{figure.name}: took {budget.elapsed:.0f} s{over}", file=sys.stderr)
    total = time.monotonic() - started
    report = render(outcomes, NOT_YET_MEASURED, total_seconds=total, commands=COMMANDS)
    if output is None:
        print(report)
    else:
        output.write_text(report, encoding="utf-8")
        print(f"wrote {output} in {total:.0f} s", file=sys.stderr)
    return 0 if total <= TOTAL_BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
