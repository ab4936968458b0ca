"""The gate as a WSGI app around a stand-in for Bolt: what reaches Bolt, and what is kept."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import BoltRequest, BoltResponse
from sqlalchemy import func, select

from bot.services.context import Services
from bot.slack.gate import MAX_BODY, Gate, Passage
from bot.slack.signature import signature
from storage.models import SlackRequest
from tests.services.support import build_services
from tests.slack.support import COMMAND, FORM, form
from tests.support.clock import Clock, sthlm

SECRET = "test-signing-secret"


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, size: int | None = -1) -> bytes:
        raise AssertionError("the body was read")


class Bolt:
    """Answers every request with `status`, and counts what it was handed."""

    def __init__(self) -> None:
        self.status = 200
        self.bodies: list[bytes] = []
        self.parsed: list[dict[str, Any]] = []

    def __call__(self, request: BoltRequest) -> BoltResponse:
        self.bodies.append(request.raw_body.encode())
        self.parsed.append(request.body)
        return BoltResponse(status=self.status, body="")


@pytest.fixture
def services(database_url: str) -> Iterator[Services]:
    built = build_services(database_url, Clock(sthlm(2026, 11, 23, 8)))
    yield built
    built.db.dispose()


def call(gate: Gate, body: bytes, **environ: Any) -> tuple[str, Passage]:
    ts = str(int(time.time()))
    env: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "CONTENT_TYPE": FORM,
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": ts,
        "HTTP_X_SLACK_SIGNATURE": signature(SECRET, ts, body),
        "wsgi.input": io.BytesIO(body),
        **environ,
    }
    answered: list[str] = []
    passage = Passage()
    gate(env, lambda status, headers, exc_info=None: answered.append(status), passage)  # type: ignore[arg-type]
    return answered[-1], passage


def test_a_body_declared_over_the_limit_is_refused_before_it_is_read(
    services: Services,
) -> None:
    bolt = Bolt()
    gate = Gate(bolt, SECRET, services)
    status, passage = call(
        gate, b"", CONTENT_LENGTH=str(300 * MAX_BODY), **{"wsgi.input": Unreadable()}
    )
    assert status.startswith("413")
    assert passage.note is not None and "more than 1048576" in passage.note
    assert bolt.bodies == []


def test_a_body_of_exactly_the_limit_is_read_and_checked(services: Services) -> None:
    bolt = Bolt()
    status, passage = call(Gate(bolt, SECRET, services), b"x" * MAX_BODY)
    assert status.startswith("200")  # signed; a form with no kind: nothing done
    assert len(passage.body) == MAX_BODY and bolt.bodies == []


def count(services: Services) -> int:
    with services.db.reading() as session:
        return int(session.execute(select(func.count()).select_from(SlackRequest)).scalar_one())


def test_bolt_gets_the_signed_bytes_once_and_a_replay_never(services: Services) -> None:
    bolt = Bolt()
    gate = Gate(bolt, SECRET, services)
    body = form(COMMAND)
    assert call(gate, body)[0].startswith("200")
    status, passage = call(gate, body)
    assert status.startswith("200") and passage.note is not None and "replay" in passage.note
    assert bolt.bodies == [body]
    assert count(services) == 1


def test_bolt_is_handed_the_body_as_the_gate_read_it(services: Services) -> None:
    # Bolt would read this form as empty: it has the word "payload" and no such field.
    bolt = Bolt()
    body = form({**COMMAND, "text": "klar 1.2 payload levererad"})
    assert call(Gate(bolt, SECRET, services), body)[0].startswith("200")
    assert bolt.bodies == [body]
    assert bolt.parsed[0]["text"] == "klar 1.2 payload levererad"
    assert bolt.parsed[0]["command"] == COMMAND["command"]


def test_a_request_bolt_failed_is_forgotten_so_it_may_come_again(services: Services) -> None:
    bolt = Bolt()
    bolt.status = 500
    gate = Gate(bolt, SECRET, services)
    body = form(COMMAND)
    call(gate, body)
    assert count(services) == 0
    bolt.status = 200
    call(gate, body)
    call(gate, body)
    assert bolt.bodies == [body, body] and count(services) == 1


def test_without_a_signing_secret_nothing_is_slacks(services: Services) -> None:
    bolt = Bolt()
    status, passage = call(Gate(bolt, None, services), form(COMMAND))
    assert status.startswith("401") and passage.note == "unsigned" and bolt.bodies == []


def test_slacks_unsigned_ssl_check_is_answered_and_nothing_else_unsigned(
    services: Services,
) -> None:
    bolt = Bolt()
    gate = Gate(bolt, SECRET, services)
    unsigned = {"HTTP_X_SLACK_SIGNATURE": "", "HTTP_X_SLACK_REQUEST_TIMESTAMP": ""}
    assert call(gate, b"ssl_check=1&token=legacy", **unsigned)[0].startswith("200")
    assert call(gate, b"ssl_check=1&command=%2Fx", **unsigned)[0].startswith("401")
    assert call(gate, b"ssl_check=0", **unsigned)[0].startswith("401")
    assert bolt.bodies == []


def test_a_request_no_listener_takes_is_answered_200_with_nothing_done(
    services: Services,
) -> None:
    bolt = Bolt()
    bolt.status = 404
    status, passage = call(Gate(bolt, SECRET, services), form(COMMAND))
    assert status.startswith("200")
    assert passage.note is not None and "no listener" in passage.note
