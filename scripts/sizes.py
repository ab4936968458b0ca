"""Holds the size limits of the product's code: modules under 400 lines, functions under 80,
the median module under 150. Run by `make lint`; prints what is over and exits 1.

Large modules and functions were where round one's changes collided (a 588-line services
module, a 163-line listener closure); the limits keep each piece small enough to have one job.
"""

from __future__ import annotations

import ast
import statistics
import sys
from pathlib import Path

PACKAGES = ("bot", "storage", "messages")
MAX_MODULE = 400
MAX_FUNCTION = 80
MAX_MEDIAN = 150


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def problems(root: Path) -> tuple[list[str], float]:
    found: list[str] = []
    lengths: list[int] = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            lines = len(text.splitlines())
            lengths.append(lines)
            name = path.relative_to(root)
            if lines > MAX_MODULE:
                found.append(f"{name}: {lines} lines (at most {MAX_MODULE})")
            for function in _functions(ast.parse(text)):
                assert function.end_lineno is not None
                length = function.end_lineno - function.lineno + 1
                if length > MAX_FUNCTION:
                    found.append(
                        f"{name}:{function.lineno} {function.name}: {length} lines"
                        f" (at most {MAX_FUNCTION})"
                    )
    median = statistics.median(lengths) if lengths else 0.0
    if median >= MAX_MEDIAN:
        found.append(f"median module: {median} lines (under {MAX_MEDIAN})")
    return found, median


def main() -> int:
    found, median = problems(Path(__file__).resolve().parent.parent)
    for line in found:
        print(line)
    print(f"sizes: {len(found)} over the limits; median module {median:g} lines")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
