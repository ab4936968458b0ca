"""Cursor pagination as Slack does it: an opaque `next_cursor`, empty on the last page."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import TypeVar

from bot.emulator.webapi.context import Context, SlackError

T = TypeVar("T")
_PREFIX = "offset:"


def _cursor(offset: int) -> str:
    return base64.b64encode(f"{_PREFIX}{offset}".encode()).decode()


def _offset(cursor: str) -> int:
    try:
        decoded = base64.b64decode(cursor, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as err:
        raise SlackError("invalid_cursor") from err
    if not decoded.startswith(_PREFIX) or not decoded[len(_PREFIX) :].isdigit():
        raise SlackError("invalid_cursor")
    return int(decoded[len(_PREFIX) :])


def page(ctx: Context, items: Sequence[T], *, default_limit: int = 100) -> tuple[list[T], str]:
    """The page of `items` the call's `cursor` and `limit` ask for, and the next cursor."""
    requested = int(ctx.params.get("limit") or default_limit)
    limit = max(1, min(requested, 1000, ctx.state.page_size))
    start = _offset(ctx.text("cursor")) if ctx.text("cursor") else 0
    end = start + limit
    return list(items[start:end]), (_cursor(end) if end < len(items) else "")
