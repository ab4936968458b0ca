"""What a test needs to send the bot that Slack never would: raw bytes, unsigned or signed
over bytes that are not text, and the exact request again (a replay)."""

from __future__ import annotations

import io
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

from bot import logs
from bot.emulator import SlackRequester
from bot.emulator.requester import BotResponse
from bot.http import REQUEST_ID_HEADER
from bot.slack.signature import signature
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.playground.support import Reply

FORM = "application/x-www-form-urlencoded"


def post(url: str, body: bytes, headers: dict[str, str]) -> Reply:
    """A POST of exactly `body`, an empty one too."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:  # noqa: S310  (loopback)
            return Reply(reply.status, dict(reply.headers.items()), reply.read())
    except urllib.error.HTTPError as err:
        with err:
            return Reply(err.code, dict(err.headers.items()), err.read())


def request_id(reply: Reply) -> str:
    return reply.headers.get(REQUEST_ID_HEADER, "")


def signed_headers(
    body: bytes, content_type: str = FORM, timestamp: int | None = None
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature(SIGNING_SECRET, ts, body),
    }


def replay(slack: SlackRequester, previous: BotResponse) -> BotResponse:
    """The same bytes with the same timestamp and signature: what a copy of a request is."""
    sent = previous.sent_headers
    return slack.send(
        previous.sent_body,
        sent["Content-Type"],
        timestamp=sent["X-Slack-Request-Timestamp"],
        signature=sent["X-Slack-Signature"],
    )


class Records:
    """Every record logged while a test runs, at every level, through our handler."""

    def __init__(self, stream: io.StringIO) -> None:
        self._stream = stream

    @property
    def text(self) -> str:
        return self._stream.getvalue()

    def all(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines()]

    def of(self, request_id: str) -> list[dict[str, Any]]:
        assert request_id, "the reply carries no request id"
        return [r for r in self.all() if r.get("request_id") == request_id]


def capture_everything(*secrets: str) -> Iterator[Records]:
    """Our handler on the root logger with every logger at DEBUG (Bolt, slack_sdk, waitress)."""
    stream = io.StringIO()
    handler = logs.handler(
        stream=stream, secrets=[SIGNING_SECRET, BOT_TOKEN, *secrets], json_lines=True
    )
    root = logging.getLogger()
    named = [logging.getLogger(n) for n in ("slack_bolt", "slack_sdk", "waitress")]
    levels = [root.level, *(logger.level for logger in named)]
    root.addHandler(handler)
    for logger in (root, *named):
        logger.setLevel(logging.DEBUG)
    try:
        yield Records(stream)
    finally:
        root.removeHandler(handler)
        for logger, level in zip((root, *named), levels, strict=True):
            logger.setLevel(level)
