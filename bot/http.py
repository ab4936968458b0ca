"""The WSGI application: Slack's requests to Bolt, a health check and metrics for the operator.

Slack requests are timed here, around the whole of Bolt's handling, rather than in a Bolt
middleware: the sync App's `next()` only sets a flag (the chain runs after the middleware
returns), so a middleware cannot wrap the listener. With `process_before_response=True` the
HTTP answer *is* the ack, so the time to the answer is the ack latency Slack sees (plus the
network). The same layer gives each Slack request its request id for the logs.
"""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text

from bot import logs
from bot.metrics import Metrics, Surface
from storage.db import Database

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
REQUEST_ID_HEADER = "X-Request-Id"
MAX_BODY = 1024 * 1024  # Slack's payloads are far smaller; a bigger body is not from Slack
_ACTIONS = {"block_actions", "interactive_message", "block_suggestion"}


def wsgi_app(app: App, db: Database, metrics: Metrics) -> WSGIApplication:
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if method in ("GET", "HEAD"):
            if path == HEALTH_PATH:
                return _health(db, start_response)
            if path == METRICS_PATH:
                return _metrics(metrics, start_response)
        if path == EVENTS_PATH and method == "POST":
            return _slack_request(slack, metrics, environ, start_response)
        return slack(environ, start_response)

    return application


def _slack_request(
    slack: SlackRequestHandler,
    metrics: Metrics,
    environ: WSGIEnvironment,
    start_response: StartResponse,
) -> Iterable[bytes]:
    started = time.perf_counter()
    # Bolt reads the body once from wsgi.input; read it first to learn the surface, then hand
    # Bolt the same bytes.
    try:
        length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
    except ValueError:  # not a number: read nothing; Bolt refuses the unsigned empty body
        length = 0
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    surface = surface_of(body, str(environ.get("CONTENT_TYPE") or ""))
    answered: list[int] = []

    with logs.request_context() as rid:

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answered.append(int(status.split(" ", 1)[0]))
            return start_response(status, [*headers, (REQUEST_ID_HEADER, rid)], exc_info)

        try:
            result = slack(environ, start)
        finally:
            seconds = time.perf_counter() - started
            status = answered[-1] if answered else 500
            metrics.slack_request(surface, status, seconds)
            log.info("slack %s answered %s in %.1f ms", surface.value, status, seconds * 1000)
    return result


def surface_of(body: bytes, content_type: str) -> Surface:
    """Which kind of Slack request a body is, read the way Slack sends each kind."""
    try:
        if content_type.startswith("application/json"):
            kind = json.loads(body).get("type")
            return Surface.EVENT if kind == "event_callback" else Surface.OTHER
        form = parse_qs(body.decode("utf-8"))
        if "command" in form:
            return Surface.COMMAND
        if "payload" in form:
            kind = json.loads(form["payload"][0]).get("type")
            if kind in _ACTIONS:
                return Surface.ACTION
            if kind == "view_submission":
                return Surface.VIEW_SUBMISSION
    except (ValueError, AttributeError):  # not what Slack sends: Bolt will refuse it; count it
        pass
    return Surface.OTHER


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
