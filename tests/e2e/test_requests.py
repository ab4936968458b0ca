"""Issue 14 "Requests": authenticated before anything is read, refused in one log line,
bounded before buffering, and a replay changes nothing. The real bot over HTTP, on SQLite and
PostgreSQL."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from bot.emulator.requester import BotResponse
from bot.services.replays import MEMORY
from bot.services.tick import tick
from bot.slack.gate import MAX_BODY
from storage.models import SlackRequest
from tests.e2e.wire import (
    FORM,
    Records,
    activity_id,
    counts,
    post,
    replay,
    request_id,
    signed_headers,
    state,
    the_one_line,
)
from tests.support.bot import RunningBot, Workspace, run
from tests.support.waiting import eventually

GARBAGE = [
    b"\xff\xfe\x00\x01 not text",
    b"[1, 2, 3]",
    b'{"type": "event_callback", "event": [',
    b"payload=%7B%22type%22%3A+%22block_actions%22%7D",
    b"command=%2Fforvaltning&text=nytt+Forged&team_id=T1&user_id=U1&channel_id=C1",
    b"",
]


@pytest.mark.parametrize("body", GARBAGE)
@pytest.mark.parametrize("signature", [None, "v0=" + "0" * 64, "garbage"])
def test_an_unsigned_or_forged_body_gets_401_in_one_line_and_is_never_parsed(
    running: RunningBot, records: Records, body: bytes, signature: str | None
) -> None:
    headers = {"Content-Type": FORM}
    if signature is not None:
        headers |= {"X-Slack-Request-Timestamp": str(int(time.time()))}
        headers |= {"X-Slack-Signature": signature}
    before = counts(running)
    reply = post(running.slack.url, body, headers)
    assert reply.status == 401
    # One line, ours: Bolt, which parses in its request's constructor and logs at DEBUG what
    # it dispatches, never saw it.
    line = the_one_line(records, request_id(reply))
    assert line["level"] == "WARNING" and "answered 401" in line["message"]
    assert ("unsigned" if signature is None else "bad signature") in line["message"]
    assert counts(running) == before


def test_a_stale_signature_is_refused_however_well_signed(
    running: RunningBot, records: Records
) -> None:
    body = b"command=%2Fforvaltning&text=status"
    reply = post(running.slack.url, body, signed_headers(body, timestamp=int(time.time()) - 301))
    assert reply.status == 401
    assert "five-minute window" in the_one_line(records, request_id(reply))["message"]


@pytest.mark.parametrize(
    ("body", "content_type", "why"),
    [
        (b"\xff\xfe\x00\x01 not text", FORM, "not UTF-8"),
        (b'{"type": "event_callback", "event": [', "application/json", "not JSON"),
        (b"payload=%7Bnot+json", FORM, "not JSON"),
        (b'{"type": "url_verification", "challenge": NaN}', "application/json", "NaN"),
        (b"[" * 50_000, "application/json", "nested too deep"),
    ],
)
def test_a_signed_body_that_cannot_be_read_gets_400_in_one_line(
    running: RunningBot, records: Records, body: bytes, content_type: str, why: str
) -> None:
    """Signed over the raw bytes: a body that is not even text verifies, and only then is
    found unreadable."""
    before = counts(running)
    reply = post(running.slack.url, body, signed_headers(body, content_type))
    assert reply.status == 400
    line = the_one_line(records, request_id(reply))
    assert line["level"] == "WARNING" and why in line["message"]
    assert counts(running) == before


def test_the_signature_is_over_the_bytes_sent_not_a_reading_of_them(running: RunningBot) -> None:
    text = "command=/forvaltning&text=nytt Åsele"
    headers = signed_headers(text.encode("latin-1"))
    assert post(running.slack.url, text.encode("utf-8"), headers).status == 401


def raw_http(url: str, head: str, body: bytes = b"") -> bytes:
    """One request on a socket of our own; returns what came back before the server closed."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall(head.encode("latin-1") + body)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    return received


def test_waitress_refuses_a_declared_300_mib_before_one_byte_of_it_is_sent(
    running: RunningBot, records: Records
) -> None:
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: {FORM}\r\nContent-Length: {300 * MAX_BODY}\r\n\r\n"
    )
    # No body follows: had waitress waited to buffer it, no answer would come before the
    # connection times out (and the test with it).
    answer = raw_http(running.slack.url, head)
    assert answer.startswith(b"HTTP/1.1 413 ")
    # The bot never saw it: waitress answered from the headers alone.
    assert not [r for r in records.all() if "413" in r["message"]]


def test_waitress_refuses_a_chunked_body_once_it_passes_1_mib(running: RunningBot) -> None:
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: {FORM}\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"x" * 65536
    framed = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(17))
    # Waitress counts the bytes as framed, and refuses at the limit (MAX_BODY + 1). We send
    # exactly that much and stop mid-chunk: only the limit can answer, and the server has read
    # all we sent, so it closes cleanly instead of resetting the connection over unread data.
    sent = framed[: MAX_BODY + 1]
    assert raw_http(running.slack.url, head, sent).startswith(b"HTTP/1.1 413 ")


def test_a_signed_body_of_exactly_1_mib_is_read(running: RunningBot, records: Records) -> None:
    body = b"x" * MAX_BODY
    reply = post(running.slack.url, body, signed_headers(body))
    assert reply.status == 200  # signed, read, and not a request of ours: nothing done
    assert "not of Slack's shape" in the_one_line(records, request_id(reply))["message"]


def a_replay_changes_nothing(
    running: RunningBot, records: Records, first: BotResponse, later: Callable[[], Any]
) -> None:
    """`later` changes what `first` changed; `first` played again must not change it back."""
    assert first.status == 200
    later()
    before = (state(running), counts(running))
    again = replay(running.slack, first)
    assert again.status == 200 and again.text == ""
    line = the_one_line(records, again.headers["X-Request-Id"])
    assert "a replay of a" in line["message"] and line["level"] == "WARNING"
    assert (state(running), counts(running)) == before


def test_a_replayed_command_changes_nothing(
    running: RunningBot, workspace: Workspace, records: Records
) -> None:
    w = workspace
    first = running.slack.command(
        f"ansvarig 1.2 <@{w.erik}>", user_id=w.anna, channel_id=w.project_channel
    )
    a_replay_changes_nothing(
        running, records, first, lambda: run(running, w, f"ansvarig 1.2 <@{w.sara}>")
    )
    assert state(running)["driftavtal"][1] == w.sara


def test_a_replayed_click_changes_nothing(
    running: RunningBot, workspace: Workspace, records: Records
) -> None:
    w = workspace
    first = running.slack.block_action(
        user_id=w.anna,
        action_id="activity_doing",
        value=str(activity_id(running, "driftavtal")),
        block_id="actions",
    )
    assert state(running)["driftavtal"][0] == "in_progress"
    a_replay_changes_nothing(running, records, first, lambda: run(running, w, "klar 1.2"))
    assert state(running)["driftavtal"][0] == "done"


def test_a_replayed_dialog_submission_changes_nothing(
    running: RunningBot, workspace: Workspace, records: Records
) -> None:
    w = workspace
    run(running, w, f"ansvarig 1.2 <@{w.sara}>")
    running.slack.app_home_opened(w.sara)
    home = eventually(
        lambda: (v := w.fake.state.home_view(w.sara)) and "*1.2*" in json.dumps(v.blocks) and v
    )
    assert home, "Sara's Home tab never listed 1.2"
    running.slack.click(
        "activity_blocked",
        user_id=w.sara,
        view_id=home.id,
        value=str(activity_id(running, "driftavtal")),
    )
    assert eventually(lambda: w.fake.state.modals(w.sara))
    first = running.slack.submit(user_id=w.sara, values={"reason": {"reason_text": "Väntar"}})
    assert state(running)["driftavtal"][0] == "blocked"
    a_replay_changes_nothing(running, records, first, lambda: run(running, w, "pågår 1.2"))
    assert state(running)["driftavtal"][0] == "in_progress"


def test_a_replay_sent_to_another_replica_changes_nothing(
    running: RunningBot, start_bot: Callable[[], RunningBot], workspace: Workspace
) -> None:
    w = workspace
    other = start_bot()  # a second replica on the same database
    first = running.slack.command(
        f"ansvarig 1.2 <@{w.erik}>", user_id=w.anna, channel_id=w.project_channel
    )
    run(running, w, f"ansvarig 1.2 <@{w.sara}>")
    before = counts(running)
    again = replay(other.slack, first)
    assert again.status == 200 and again.text == ""
    assert counts(running) == before and state(running)["driftavtal"][1] == w.sara


def test_the_tick_forgets_requests_too_old_to_verify(
    running: RunningBot, workspace: Workspace
) -> None:
    w = workspace
    run(running, w, f"ansvarig 1.2 <@{w.erik}>")
    assert running.bot.ticker is not None
    services = running.bot.ticker._services

    def remembered() -> list[datetime]:
        with running.bot.db.reading() as session:
            return list(session.execute(select(col(SlackRequest.received_at))).scalars())

    seen = remembered()
    assert len(seen) == 2  # "nytt" and "ansvarig"
    tick(services, min(seen) + MEMORY - timedelta(seconds=1))
    assert sorted(remembered()) == sorted(seen)
    tick(services, max(seen) + MEMORY + timedelta(seconds=1))
    assert remembered() == []


def test_a_command_that_only_reads_is_not_kept_and_its_replay_changes_nothing(
    running: RunningBot, workspace: Workspace
) -> None:
    w = workspace
    first = running.slack.command("status", user_id=w.anna, channel_id=w.project_channel)
    before = (state(running), counts(running))
    again = replay(running.slack, first)
    assert again.status == 200 and again.json["blocks"] == first.json["blocks"]
    assert (state(running), counts(running)) == before
    with running.bot.db.reading() as session:
        assert session.execute(select(func.count()).select_from(SlackRequest)).scalar_one() == 1


def test_events_are_not_kept_as_requests_their_retries_dedupe_by_event_id(
    running: RunningBot, workspace: Workspace
) -> None:
    first = running.slack.app_home_opened(workspace.erik)
    assert running.slack.redeliver(first).status == 200
    with running.bot.db.reading() as session:
        kinds = session.execute(select(col(SlackRequest.kind))).scalars().all()
    assert "event_callback" not in kinds
