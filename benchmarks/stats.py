"""Percentiles and number formats shared by the figures."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(samples: Sequence[float], p: float) -> float:
    """Nearest-rank percentile: the smallest sample at or above p percent of them."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def ratio(ours: float, bare: float) -> str:
    return f"{ours / bare:.1f}×" if bare > 0 else "–"


def mib(kib: int) -> str:
    return f"{kib / 1024:.1f}"
