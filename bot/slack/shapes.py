"""A few combinators that say what shape a JSON value has, and name where it does not.

A shape is a function of the value and its path that returns the first problem it finds
("user.id: missing") or None. They check types, required keys and the lengths and characters
of ids: enough that nothing downstream (Bolt's context extraction, the listeners, a database
column) meets a value of a type it did not expect. Keys not named are let through unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Shape = Callable[[Any, str], str | None]


def _at(path: str, key: str | int) -> str:
    return f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else key


def anything(value: Any, path: str) -> str | None:
    return None


def null(value: Any, path: str) -> str | None:
    return None if value is None else f"{path}: not null"


def boolean(value: Any, path: str) -> str | None:
    return None if isinstance(value, bool) else f"{path}: not true or false"


def text(pattern: str = r"(?s).*", *, max_length: int = 1 << 20) -> Shape:
    """A string of at most `max_length` characters that fully matches `pattern`."""
    compiled = re.compile(pattern)

    def check(value: Any, path: str) -> str | None:
        if not isinstance(value, str):
            return f"{path}: not a string"
        if len(value) > max_length or not compiled.fullmatch(value):
            return f"{path}: not the string it should be"
        return None

    return check


def maybe(shape: Shape) -> Shape:
    """`shape`, or null."""
    return either(null, shape)


def either(*shapes: Shape) -> Shape:
    def check(value: Any, path: str) -> str | None:
        problems = [shape(value, path) for shape in shapes]
        return None if None in problems else problems[-1]

    return check


def items(shape: Shape, *, min_length: int = 0, max_length: int = 1000) -> Shape:
    """A list of `min_length` to `max_length` items, each of `shape`."""

    def check(value: Any, path: str) -> str | None:
        if not isinstance(value, list):
            return f"{path}: not a list"
        if not min_length <= len(value) <= max_length:
            return f"{path}: {len(value)} items"
        for index, item in enumerate(value):
            if problem := shape(item, _at(path, index)):
                return problem
        return None

    return check


def values(shape: Shape) -> Shape:
    """An object whose every value is of `shape`, whatever its keys."""

    def check(value: Any, path: str) -> str | None:
        if not isinstance(value, dict):
            return f"{path}: not an object"
        for key, item in value.items():
            if problem := shape(item, _at(path, key)):
                return problem
        return None

    return check


def obj(
    required: Mapping[str, Shape] | None = None,
    optional: Mapping[str, Shape] | Callable[[], Mapping[str, Shape]] | None = None,
) -> Shape:
    """An object with every `required` key, and the `optional` keys that are present of their
    shape (null too: say `maybe(...)` where null is fine). `optional` may be a function, for
    shapes that contain themselves."""

    def check(value: Any, path: str) -> str | None:
        if not isinstance(value, dict):
            return f"{path}: not an object"
        for key, shape in (required or {}).items():
            if key not in value:
                return f"{_at(path, key)}: missing"
            if problem := shape(value[key], _at(path, key)):
                return problem
        more = optional() if callable(optional) else optional or {}
        for key, shape in more.items():
            if key in value and (problem := shape(value[key], _at(path, key))):
                return problem
        return None

    return check
