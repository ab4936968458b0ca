"""Slack's request signature (v0), checked over the raw bytes before anything reads them.

Slack signs `v0:{timestamp}:{body}` with the app's signing secret (HMAC-SHA256) and sends the
timestamp and the signature in headers. A request is Slack's if the signature matches and the
timestamp is within five minutes of our clock, the window Slack's own libraries use: an old
request, however well signed, may be a recording played back.
"""

from __future__ import annotations

import hashlib
import hmac
from enum import StrEnum

WINDOW_SECONDS = 5 * 60


class Refusal(StrEnum):
    """Why a request is not taken as Slack's; the text ends up in the one log line."""

    UNSIGNED = "unsigned"
    STALE = "timestamp outside the five-minute window"
    FORGED = "bad signature"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """What Slack sends in X-Slack-Signature for `body` sent at `timestamp`."""
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    return "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()


def check(
    secret: str | None, timestamp: str | None, signed: str | None, body: bytes, *, now: float
) -> Refusal | None:
    """None when `body` is signed by `secret` at a `timestamp` near `now`, else why not.

    Without a secret nothing is Slack's (fail closed: Socket Mode has none, and its HTTP
    server then answers only the health check and metrics).
    """
    if not secret or not timestamp or not signed:
        return Refusal.UNSIGNED
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return Refusal.STALE
    if abs(now - int(timestamp)) > WINDOW_SECONDS:
        return Refusal.STALE
    # Header values reach WSGI as latin-1 text; compared as bytes, in constant time.
    expected = signature(secret, timestamp, body).encode("ascii")
    if not hmac.compare_digest(expected, signed.encode("latin-1")):
        return Refusal.FORGED
    return None
