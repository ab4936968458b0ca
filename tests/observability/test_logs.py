"""Issue 7/8: logs an operator can collect: JSON lines, a request id, and no secrets."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot import logs
from bot.http import REQUEST_ID_HEADER
from tests.support.bot import BOT_TOKEN, SIGNING_SECRET, RunningBot, Workspace

SECRET = "8f14e45fceea167a5a36dedd4bea2543"  # the shape of a real signing secret


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger of its own with our handler, JSON as in a container, nothing propagated."""
    stream = io.StringIO()
    logger = logging.getLogger("forvaltningsbot.test-logs")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    handler = logs.handler(stream=stream, secrets=[SECRET, BOT_TOKEN])
    logger.addHandler(handler)
    yield logger, stream
    logger.removeHandler(handler)
    logger.propagate = True


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.parametrize(
    "token",
    [
        "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp",
        "xoxp-1234-5678-abcd",
        "xapp-1-A0123-456-deadbeef",
        "xoxe-1-abcdef",
        "xoxe.xoxb-1-abcdef",
    ],
)
def test_slack_tokens_are_redacted_in_the_message_and_its_arguments(
    captured: tuple[logging.Logger, io.StringIO], token: str
) -> None:
    logger, stream = captured
    logger.info(f"posting with {token} now")
    logger.info("headers %s", {"Authorization": f"Bearer {token}"})
    out = stream.getvalue()
    assert token not in out
    assert token.split("-", 1)[1] not in out
    first, second = lines(stream)
    assert first["message"] == f"posting with {token.split('-', 1)[0]}-{logs.REDACTED} now"
    assert logs.REDACTED in second["message"]


def test_the_signing_secret_and_tokens_in_a_traceback_are_redacted(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    logger.warning("verifying with %s", SECRET)
    try:
        raise RuntimeError(f"auth failed for {BOT_TOKEN} with {SECRET}")
    except RuntimeError:
        logger.exception("call failed")
    out = stream.getvalue()
    assert SECRET not in out and BOT_TOKEN not in out
    warning, failure = lines(stream)
    assert warning["message"] == f"verifying with {logs.REDACTED}"
    assert "RuntimeError: auth failed for" in failure["exception"]


def test_json_lines_parse_and_carry_time_level_logger_message(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    logger.info("två rader\nen post")  # a newline must not split the record
    logger.debug("%s %d", "fem", 5)
    first, second = lines(stream)
    assert first["level"] == "INFO"
    assert first["logger"] == "forvaltningsbot.test-logs"
    assert first["message"] == "två rader\nen post"
    assert first["time"].endswith("+00:00")
    assert "request_id" not in first  # not inside a Slack request
    assert second["message"] == "fem 5"


def test_a_terminal_gets_plain_text_still_redacted() -> None:
    stream = Terminal()
    handler = logs.handler(stream=stream, secrets=[SECRET])
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "secret %s", (SECRET,), None)
    handler.handle(record)
    out = stream.getvalue()
    assert not out.startswith("{")
    assert f"INFO x [-] secret {logs.REDACTED}" in out


def test_request_context_sets_and_restores_the_id() -> None:
    assert logs.request_id.get() is None
    with logs.request_context() as first:
        assert logs.request_id.get() == first
        with logs.request_context() as inner:
            assert inner != first
        assert logs.request_id.get() == first
    assert logs.request_id.get() is None


@pytest.fixture
def root_json() -> Iterator[io.StringIO]:
    """Our handler on the root logger, as main() installs it, with Bolt's debug logs on."""
    stream = io.StringIO()
    handler = logs.handler(stream=stream, secrets=[SIGNING_SECRET, BOT_TOKEN], json_lines=True)
    root = logging.getLogger()
    bolt = logging.getLogger("slack_bolt")
    levels = (root.level, bolt.level)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    bolt.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(levels[0])
    bolt.setLevel(levels[1])


def test_every_log_of_a_slack_request_carries_its_request_id(
    start_bot: Callable[[], RunningBot], workspace: Workspace, root_json: io.StringIO
) -> None:
    running = start_bot()
    w = workspace
    replies = [
        running.slack.command(text, user_id=w.anna, channel_id=w.project_channel)
        for text in ("nytt Kommunen X", "status")
    ]
    ids = [reply.headers[REQUEST_ID_HEADER] for reply in replies]
    assert len(set(ids)) == 2
    records = lines(root_json)
    for rid in ids:
        mine = [r for r in records if r.get("request_id") == rid]
        answered = [r for r in mine if r["logger"] == "bot.http"]
        assert [r["message"].split(" in ")[0] for r in answered] == ["slack command answered 200"]
        # Bolt's own records, logged inside its dispatch, carry the id too.
        assert any(r["logger"].startswith("slack_bolt") for r in mine), mine
    out = root_json.getvalue()
    assert SIGNING_SECRET not in out and BOT_TOKEN not in out


@pytest.mark.parametrize(
    "text",
    [
        "GET /slack/oauth_redirect?code=1234.5678.abcdef&state=a1b2c3d4e5",
        "request: {'code': ['1234.5678.abcdef'], 'state': ['a1b2c3d4e5']}",
        "body_params: {'code': '1234.5678.abcdef', 'client_id': '111.222'}",
        '{"code": "1234.5678.abcdef", "state": "a1b2c3d4e5"}',
    ],
)
def test_an_oauth_code_or_state_is_redacted_wherever_it_is_written(text: str) -> None:
    out = logs.RedactFilter().redact(text)
    assert "1234.5678.abcdef" not in out and "a1b2c3d4e5" not in out
    assert logs.REDACTED in out


def test_the_secrets_of_the_request_being_handled_are_redacted_in_any_words() -> None:
    redact = logs.RedactFilter().redact
    with logs.request_context(secrets=["1234.5678.abcdef", "short"]):
        assert redact("exchange failed with code: 1234.5678.abcdef") == (
            f"exchange failed with code: {logs.REDACTED}"
        )
        assert redact("short words stay") == "short words stay"
    assert "1234.5678.abcdef" in redact("after the request: 1234.5678.abcdef")
