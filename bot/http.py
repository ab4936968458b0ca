"""The WSGI applications: Slack's requests to Bolt, a health check and metrics for the operator.

Slack requests are timed here, around the whole of Bolt's handling, rather than in a Bolt
middleware: the sync App's `next()` only sets a flag (the chain runs after the middleware
returns), so a middleware cannot wrap the listener. With `process_before_response=True` the
HTTP answer *is* the ack, so the time to the answer is the ack latency Slack sees (plus the
network). The same layer gives each Slack request its request id for the logs, and hands it
to the gate (bot/slack/gate.py), which lets Bolt see it only once it is signed, readable, of
Slack's shape and not a replay.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from pydantic import SecretStr
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text

from bot import logs
from bot.metrics import Metrics, Surface
from bot.services.context import Services
from bot.slack import envelope
from bot.slack.gate import Gate, Passage
from storage.db import Database

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
REQUEST_ID_HEADER = "X-Request-Id"
_ACTIONS = {"block_actions", "interactive_message", "block_suggestion"}


def wsgi_app(
    app: App, services: Services, metrics: Metrics, signing_secret: SecretStr | None
) -> WSGIApplication:
    slack = SlackRequestHandler(app, path=EVENTS_PATH)
    secret = signing_secret.get_secret_value() if signing_secret else None
    gate = Gate(app.dispatch, secret, services)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if method in ("GET", "HEAD"):
            if path == HEALTH_PATH:
                return _health(services.db, start_response)
            if path == METRICS_PATH:
                return _metrics(metrics, start_response)
        if path == EVENTS_PATH and method == "POST":
            return _slack_request(gate, metrics, environ, start_response)
        # The OAuth pages: their `code` and `state` are secrets in every record logged meanwhile.
        with logs.request_context(secrets=_oauth_secrets(environ)):
            return slack(environ, start_response)

    return application


def ops_app(services: Services, metrics: Metrics) -> WSGIApplication:
    """The sender process's: the health check and its metrics, and nothing of Slack's."""

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            if environ.get("PATH_INFO") == HEALTH_PATH:
                return _health(services.db, start_response)
            if environ.get("PATH_INFO") == METRICS_PATH:
                return _metrics(metrics, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]

    return application


def _slack_request(
    gate: Gate,
    metrics: Metrics,
    environ: WSGIEnvironment,
    start_response: StartResponse,
) -> Iterable[bytes]:
    started = time.perf_counter()
    answered: list[int] = []
    passage = Passage()
    with logs.request_context() as rid:

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answered.append(int(status.split(" ", 1)[0]))
            return start_response(status, [*headers, (REQUEST_ID_HEADER, rid)], exc_info)

        try:
            result = gate(environ, start, passage)
        finally:
            seconds = time.perf_counter() - started
            status = answered[-1] if answered else 500
            # A refused body is read for this label only, after the refusal was decided.
            surface = (
                surface_of_body(passage.envelope.body)
                if passage.envelope
                else surface_of(passage.body, str(environ.get("CONTENT_TYPE") or ""))
            )
            metrics.slack_request(surface, status, seconds)
            # One line per request; what was refused or skipped, and why, is on the same line.
            level = logging.INFO if passage.note is None else logging.WARNING
            note = f" ({passage.note})" if passage.note else ""
            log.log(
                level,
                "slack %s answered %s in %.1f ms%s",
                surface.value,
                status,
                seconds * 1000,
                note,
            )
    return result


def surface_of(body: bytes, content_type: str) -> Surface:
    """Which kind of Slack request a body is, read the way Slack sends each kind."""
    try:
        return surface_of_body(envelope.read(body, content_type))
    except ValueError:  # not what Slack sends: refused; counted all the same
        return Surface.OTHER


def surface_of_body(body: Any) -> Surface:
    if not isinstance(body, dict):
        return Surface.OTHER
    if "command" in body:
        return Surface.COMMAND
    kind = body.get("type")
    if not isinstance(kind, str):
        return Surface.OTHER
    if kind == "event_callback":
        return Surface.EVENT
    if kind in _ACTIONS:
        return Surface.ACTION
    if kind == "view_submission":
        return Surface.VIEW_SUBMISSION
    return Surface.OTHER


def _oauth_secrets(environ: WSGIEnvironment) -> list[str]:
    query = parse_qs(str(environ.get("QUERY_STRING") or ""))
    return [value for name in ("code", "state") for value in query.get(name, [])]


def _health(db: Database, start_response: StartResponse) -> Iterable[bytes]:
    # Healthy means able to do the work: the database answers.
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to reach the database is "unhealthy", whatever kind
        log.warning("health check failed: %s", type(exc).__name__)
        start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
        return [b"database unavailable\n"]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok\n"]


def _metrics(metrics: Metrics, start_response: StartResponse) -> Iterable[bytes]:
    body = metrics.exposition()
    start_response(
        "200 OK", [("Content-Type", metrics.content_type), ("Content-Length", str(len(body)))]
    )
    return [body]
