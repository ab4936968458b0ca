"""What a test needs to send the bot that Slack never would (raw bytes, unsigned or signed
over bytes that are not text, the exact request again) and to see what it did: every log
record, and the rows a refused request must leave as they were."""

from __future__ import annotations

import io
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from bot import logs
from bot.emulator import SlackRequester
from bot.emulator.requester import BotResponse
from bot.http import REQUEST_ID_HEADER
from bot.slack.signature import signature
from storage.models import Activity, AuditEntry, OutboxEvent
from tests.playground.support import Reply
from tests.support.bot import BOT_TOKEN, SIGNING_SECRET, RunningBot

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


def the_one_line(records: Records, request_id: str) -> dict[str, Any]:
    """The request's records: exactly one, ours, and no traceback in it or anywhere."""
    mine = records.of(request_id)
    assert len(mine) == 1, mine
    assert mine[0]["logger"] == "bot.http" and "exception" not in mine[0]
    assert "Traceback" not in records.text
    return mine[0]


def counts(running: RunningBot) -> tuple[int, int]:
    with running.bot.db.reading() as session:
        return (
            session.execute(select(func.count()).select_from(AuditEntry)).scalar_one(),
            session.execute(select(func.count()).select_from(OutboxEvent)).scalar_one(),
        )


def state(running: RunningBot) -> dict[str, tuple[str, str | None, str | None]]:
    with running.bot.db.reading() as session:
        rows = session.execute(
            select(
                col(Activity.key), col(Activity.status), col(Activity.owner_id), col(Activity.note)
            )
        ).all()
    return {key: (status, owner, note) for key, status, owner, note in rows}


def activity_id(running: RunningBot, key: str) -> int:
    with running.bot.db.reading() as session:
        found = session.execute(select(col(Activity.id)).where(col(Activity.key) == key))
        return int(found.scalar_one())
