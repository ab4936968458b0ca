"""Matching what a person typed against the names the bot knows.

People type on phones, with or without Swedish letters, in any case: "Förvaltningsplan",
"forvaltningsplan" and "FÖRVALTNINGSPLAN" must all name the same thing, and a near miss should
be answered with the names the person probably meant.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Protocol, TypeVar

from bot.domain.errors import DomainError, ErrorCode

MAX_SUGGESTIONS = 3


class Named(Protocol):
    """Anything addressable by number ("1.2") or key ("driftavtal"), e.g. an activity."""

    # Properties, so that frozen dataclasses (read-only attributes) satisfy the protocol.
    @property
    def number(self) -> str: ...

    @property
    def key(self) -> str: ...


N = TypeVar("N", bound=Named)


def normalize(text: str) -> str:
    """Casefold, drop diacritics and collapse whitespace: "  Pågår\\u00a0X " -> "pagar x"."""
    # Casefold first: it can itself produce combining marks ("İ" -> "i̇") that NFKD then exposes.
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def _match_form(text: str) -> str:
    # Keys are written with "-"; "_" is what people reach for when they guess.
    return normalize(text).replace("_", "-")


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio()


def _closest(typed: str, options: Sequence[tuple[str, tuple[str, ...]]]) -> list[str]:
    """Labels of the options most like `typed`, best first; ties keep the given order.

    Always returns some labels (when there are options) rather than only those above a
    cut-off: with a handful of activities or documents, naming valid ones is more useful to
    the person than saying nothing.
    """
    scored = [
        (max((_similarity(typed, form) for form in forms), default=0.0), index, label)
        for index, (label, forms) in enumerate(options)
    ]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [label for _, _, label in scored[:MAX_SUGGESTIONS]]


def resolve(name: str, candidates: Sequence[N]) -> N:
    """The candidate whose number equals `name`, or whose key matches it after normalizing."""
    typed = _match_form(name)
    for candidate in candidates:
        if typed in (candidate.number, _match_form(candidate.key)):
            return candidate
    suggestions = _closest(
        typed,
        [(f"{c.number} {c.key}", (c.number, _match_form(c.key))) for c in candidates],
    )
    raise DomainError(ErrorCode.UNKNOWN_ACTIVITY, value=name, suggestions=", ".join(suggestions))


def resolve_key(
    name: str, keys: Sequence[str], code: ErrorCode = ErrorCode.UNKNOWN_DOCUMENT
) -> str:
    """The key in `keys` that `name` matches after normalizing, e.g. a decision-basis document."""
    typed = _match_form(name)
    for key in keys:
        if typed == _match_form(key):
            return key
    suggestions = _closest(typed, [(key, (_match_form(key),)) for key in keys])
    raise DomainError(code, value=name, suggestions=", ".join(suggestions))
