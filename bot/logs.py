"""Logging for operators: JSON lines for a log collector, a request id, and no secrets.

Where stderr is a terminal a person reads it, so it gets plain text; anywhere else (a container,
systemd, CI) a collector does, so every record is one JSON object on one line. Each Slack
request gets a fresh uuid4 in a context variable (Slack's own headers identify a delivery
attempt, not our handling of it, and a retry repeats them), and a filter puts it on every record
logged while the request is handled. A second filter redacts anything that looks like a Slack
token, the configured secret values and the secrets of the request being handled (an OAuth
`code` and `state`), from the message, its arguments and the traceback. Bolt logs the OAuth
callback's query at DEBUG and a failed code exchange, code included, at WARNING; slack_sdk
logs the exchange's body at DEBUG: what they say in their own words is caught by the values,
a `code=`/`state=` in a URL or a `'code': …` in a dict anywhere by the patterns.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any

REDACTED = "[REDACTED]"
# Bot, user, app-level, refresh and rotating tokens: xoxb-, xoxp-, xapp-, xoxe-, xoxe.xoxb-…
TOKEN = re.compile(r"\b((?:xoxe\.)?(?:xox[abeoprs]|xapp))-[A-Za-z0-9-]+")
# An OAuth code or state: in a query string (code=…), or a dict's repr or JSON ('code': ['…']).
OAUTH_FIELD = re.compile(
    r"""(?P<lead>[?&](?:code|state)=|["'](?:code|state)["']\s*:\s*\[?\s*["'])[^&"'\s]+"""
)
# Shorter values are no code Slack issued, and redacting them would blank common words.
MIN_REQUEST_SECRET = 8
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
request_secrets: ContextVar[tuple[str, ...]] = ContextVar("request_secrets", default=())


@contextmanager
def request_context(secrets: Iterable[str] = ()) -> Iterator[str]:
    """A new request id for the work inside the block (one request), and values that no
    record logged meanwhile may show (the request's OAuth code and state)."""
    rid = uuid.uuid4().hex
    token = request_id.set(rid)
    hidden = request_secrets.set(tuple(s for s in secrets if len(s) >= MIN_REQUEST_SECRET))
    try:
        yield rid
    finally:
        request_secrets.reset(hidden)
        request_id.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get() or "-"
        return True


class RedactFilter(logging.Filter):
    """Rewrites a record so that no Slack token and none of `secrets` leaves the process.

    The message is formatted here (arguments included) and replaced by its redacted text, since
    a token often arrives as an argument (a URL, a header dict) rather than in the format string.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is replaced whole.
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in (*sorted(request_secrets.get(), key=len, reverse=True), *self._secrets):
            text = text.replace(secret, REDACTED)
        text = OAUTH_FIELD.sub(lambda m: f"{m.group('lead')}{REDACTED}", text)
        return TOKEN.sub(lambda m: f"{m.group(1)}-{REDACTED}", text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not drop the record, nor leak its args
            message = f"{record.msg!s} (unformattable arguments)"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set, so the redacted traceback is what prints.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None)
        if rid and rid != "-":
            entry["request_id"] = rid
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


def handler(
    *, stream: IO[str], secrets: Iterable[str] = (), json_lines: bool | None = None
) -> logging.Handler:
    """A handler with both filters; JSON unless `stream` is a terminal (or as `json_lines` says)."""
    if json_lines is None:
        json_lines = not _is_terminal(stream)
    out = logging.StreamHandler(stream)
    out.addFilter(RequestIdFilter())
    out.addFilter(RedactFilter(secrets))
    out.setFormatter(JsonFormatter() if json_lines else logging.Formatter(PLAIN_FORMAT))
    return out


def configure(
    level: str, *, secrets: Iterable[str] = (), stream: IO[str] | None = None
) -> logging.Handler:
    """Replace the root logger's handlers with ours. Filters sit on the handler, not a logger,
    because a logger's filters do not see records propagated from its children."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    out = handler(stream=stream or sys.stderr, secrets=secrets)
    root.addHandler(out)
    root.setLevel(level.upper())
    return out


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream: not a person reading it
        return False
