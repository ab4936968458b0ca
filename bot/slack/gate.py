"""The door of /slack/events: size, signature, shape and replay, in that order, then Bolt.

Bolt parses a body before it checks the signature (BoltRequest parses in its constructor), and
its context extraction assumes Slack's shapes, so a garbage body became a 500 with a traceback
and an unsigned one was parsed before it was refused. Here nothing reads the body before its
declared size is allowed and its signature verified over the raw bytes; then it is read once
(bot/slack/envelope.py) and held against the shapes Slack sends; then a command, click or
dialog submission seen before is answered without being handled again. Only then does Bolt get
the request, as read here: Bolt's own parse of the same bytes (a form's whole payload unquoted,
its JSON decoded) was a tenth of a click's CPU, and it read a command whose text says "payload"
as empty. Each refusal is one short answer and one log line (by the caller), never a traceback.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.request.internals import build_context

from bot.services import replays
from bot.services.context import Services
from bot.slack import signature
from bot.slack.envelope import Envelope, Malformed, Unreadable, open_envelope

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

# slack_bolt.App.dispatch, or a stand-in for it in a test.
Dispatch = Callable[[BoltRequest], BoltResponse]

MAX_BODY = 1024 * 1024  # Slack's payloads are far smaller; a bigger body is not from Slack
# Slack checks a slash command's certificate with this form, and sends it unsigned.
_SSL_CHECK_MAX = 256


@dataclass
class Passage:
    """What the gate saw of one request, for the caller's metrics and its one log line."""

    body: bytes = b""
    envelope: Envelope | None = None
    note: str | None = None  # why the request was not handed to Bolt, if it was not


class Read(BoltRequest):
    """A request as the gate read it: Bolt gets the body parsed, and the raw text as well, for
    its own check of the signature (the same bytes, so a second check that costs little)."""

    def __init__(self, raw: str, body: dict[str, Any], environ: WSGIEnvironment) -> None:
        # Bolt's WSGI adapter's own reading of the query and headers.
        read = WsgiHttpRequest(environ)
        super().__init__(body="", query=read.query_string, headers=read.get_headers())
        self.raw_body = raw
        self.body = body
        self.context = build_context(BoltContext({}), body)


class Gate:
    """In front of Bolt's dispatch (slack_bolt.App.dispatch), as the WSGI app of the path."""

    def __init__(
        self,
        bolt: Dispatch,
        signing_secret: str | None,
        services: Services,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._bolt = bolt
        self._secret = signing_secret
        self._services = services
        self._clock = clock

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse, passage: Passage
    ) -> Iterable[bytes]:
        try:
            declared = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:  # not a number: read nothing, and the empty body is unsigned
            declared = 0
        if declared > MAX_BODY:
            passage.note = f"{declared} bytes declared, more than {MAX_BODY}"
            return _answer(start_response, "413 Content Too Large", b"request body too large\n")
        body = environ["wsgi.input"].read(declared) if declared > 0 else b""
        passage.body = body
        refusal = signature.check(
            self._secret,
            environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
            environ.get("HTTP_X_SLACK_SIGNATURE"),
            body,
            now=self._clock(),
        )
        if refusal is signature.Refusal.UNSIGNED and _ssl_check(environ, body):
            passage.note = "Slack's SSL check, unsigned as Slack sends it"
            return _answer(start_response, "200 OK", b"")
        if refusal is not None:
            passage.note = str(refusal)
            return _answer(start_response, "401 Unauthorized", b"invalid request\n")
        opened = open_envelope(body, str(environ.get("CONTENT_TYPE") or ""))
        if isinstance(opened, Unreadable):
            passage.note = f"signed, but unreadable: {opened.reason}"
            return _answer(start_response, "400 Bad Request", b"unreadable request\n")
        if isinstance(opened, Malformed):
            passage.note = f"signed, but not of Slack's shape ({opened.kind}): {opened.reason}"
            return _answer(start_response, "200 OK", b"")
        passage.envelope = opened
        return self._handle(opened, environ, start_response, passage)

    def _handle(
        self,
        envelope: Envelope,
        environ: WSGIEnvironment,
        start_response: StartResponse,
        passage: Passage,
    ) -> Iterable[bytes]:
        key = envelope.replay_key
        kind = envelope.kind.value
        if key and replays.seen(self._services, key):
            passage.note = f"a replay of a {kind} handled before; nothing done"
            return _answer(start_response, "200 OK", b"")
        request = Read(passage.body.decode("utf-8"), envelope.body, environ)
        handling = replays.handling(key, kind, envelope.team_id) if key else nullcontext()
        with handling as claim:
            # The change's own transaction remembers the request (bot/services/replays.py).
            response = self._bolt(request)
        if claim is not None and claim.replayed:
            passage.note = f"a replay of a {kind} handled before; nothing done"
            return _answer(start_response, "200 OK", b"")
        if (
            key
            and claim is not None
            and not claim.taken
            and 200 <= response.status < 300
            and not replays.first_time(self._services, key, kind, envelope.team_id)
        ):
            # Handled without a change of its own (a dialog opened, a refusal): remembered
            # now, so a later copy is told apart from a new request.
            passage.note = f"a replay of a {kind} handled at the same time"
        if response.status == 404:
            # Of Slack's shape, but no listener takes it (a button of an old message, an event
            # not subscribed to): nothing to do, and Slack counts a 404 as a failure to retry.
            passage.note = f"no listener takes this {envelope.kind.value}; nothing done"
            return _answer(start_response, "200 OK", b"")
        answer = response.body.encode("utf-8")
        headers = [
            (name, value)
            for name, values in response.headers.items()
            if name.lower() != "content-length"
            for value in values
        ]
        status = HTTPStatus(response.status)
        start_response(
            f"{status.value} {status.phrase}", [*headers, ("Content-Length", str(len(answer)))]
        )
        return [answer]


def _ssl_check(environ: WSGIEnvironment, body: bytes) -> bool:
    """Slack's certificate check of a slash command URL: `ssl_check=1&token=…`, no headers."""
    if environ.get("HTTP_X_SLACK_SIGNATURE") or len(body) > _SSL_CHECK_MAX:
        return False
    form = dict(parse_qsl(body.decode("ascii", errors="replace")))
    return form.get("ssl_check") == "1" and set(form) <= {"ssl_check", "token"}


def _answer(start_response: StartResponse, status: str, body: bytes) -> Iterable[bytes]:
    start_response(
        status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    )
    return [body]
