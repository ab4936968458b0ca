"""FakeSlack: the emulator's HTTP server on loopback, in a daemon thread."""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlencode, urlsplit

from bot.emulator.faults import Faults
from bot.emulator.files import FILES_PREFIX, UPLOAD_PREFIX
from bot.emulator.ledger import DEFAULT_TOKEN, BotIdentity, JsonDict, Team
from bot.emulator.responder import Responder
from bot.emulator.routes import Handler, Request, Response, Router
from bot.emulator.state import WorkspaceState
from bot.emulator.webapi import WebApi

API_PREFIX = "/api/"
# What `inject` names the upload URL by, to make the POST of a file's bytes fail.
UPLOAD = "upload"
RESPONSE_PREFIX = "/response/"
AUTHORIZE_PATH = "/oauth/v2/authorize"


class _Server(ThreadingHTTPServer):
    # socketserver's backlog of 5 drops bursts of connections (a SYN retry costs a second),
    # and the bot's listener pool plus its outbox easily open more than that at once.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], router: Router, errors: list[str]) -> None:
        super().__init__(address, _Handler)
        self.router = router
        self.errors = errors


class _Handler(BaseHTTPRequestHandler):
    """Turns http.server's callbacks into `Request`s for the router; knows nothing else."""

    server: _Server
    server_version = "FakeSlack/1"

    def _serve(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        request = Request(
            method=self.command,
            path=url.path,
            query=url.query,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=self.rfile.read(length) if length else b"",
        )
        try:
            response = self.server.router.dispatch(request)
        except Exception:
            # An emulator bug must not look like a Slack answer the bot could shrug off.
            self.server.errors.append(traceback.format_exc())
            response = Response.json({"ok": False, "error": "emulator_error"}, status=500)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    do_GET = _serve
    do_POST = _serve
    do_PUT = _serve
    do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: tests read `calls()`, not the access log."""


class FakeSlack:
    """A stateful fake Slack workspace served over HTTP on 127.0.0.1.

    Point the bot's `SLACK_API_URL` at `api_url`; build the workspace through `state`; make
    Slack misbehave through `inject`, `fault_rate` and `rate_limit_per_channel`.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str = DEFAULT_TOKEN,
        team: Team | None = None,
        bot: BotIdentity | None = None,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._host = host
        self._port = port
        self.state = WorkspaceState(team=team, bot=bot or BotIdentity(token=token), clock=clock)
        self.faults = Faults(clock=monotonic)
        self.webapi = WebApi(self.state, self.faults)
        self.responder = Responder(self.state)
        self.router = Router()
        self.errors: list[str] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.router.add("POST", API_PREFIX, self._api)
        self.router.add("GET", API_PREFIX, self._api)
        self.router.add("POST", RESPONSE_PREFIX, self._response_url)
        self.router.add("GET", AUTHORIZE_PATH, self._authorize)
        self.router.add("POST", UPLOAD_PREFIX, self._upload)
        self.router.add("GET", FILES_PREFIX, self._file)

    def start(self) -> FakeSlack:
        if self._server is not None:
            return self
        self._server = _Server((self._host, self._port), self.router, self.errors)
        self.webapi.base_url = self.base_url
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"fake-slack:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self.port}/"

    @property
    def api_url(self) -> str:
        """The bot's SLACK_API_URL; slack_sdk appends the method name to it."""
        return f"{self.base_url}{API_PREFIX.lstrip('/')}"

    def add_route(self, method: str, prefix: str, handler: Handler) -> None:
        """Serve more paths from the same server, e.g. a playground page."""
        self.router.add(method, prefix, handler)

    def response_url(
        self,
        *,
        channel: str | None = None,
        user: str | None = None,
        message_ts: str | None = None,
    ) -> str:
        """Mint a response_url; posts to it land in the workspace as Slack would apply them."""
        url_id = self.state.mint_response_url(channel=channel, user=user, message_ts=message_ts)
        return f"{self.base_url}{RESPONSE_PREFIX.lstrip('/')}{url_id}"

    @property
    def authorize_url(self) -> str:
        """Where the bot's install page sends the installer (Slack: /oauth/v2/authorize)."""
        return f"{self.base_url}{AUTHORIZE_PATH.lstrip('/')}"

    def issue_code(self, team_id: str) -> str:
        """The code Slack would hand the redirect URL after the team's admin clicked Allow."""
        return self.state.issue_code(team_id)

    def issue_trigger_id(self, user_id: str) -> str:
        return self.state.issue_trigger_id(user_id)

    def inject(
        self,
        method: str,
        *,
        status: int | None = None,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        delay: float = 0.0,
    ) -> None:
        self.faults.inject(
            method, status=status, error=error, retry_after=retry_after, times=times, delay=delay
        )

    def fault_rate(
        self,
        method: str,
        rate: float,
        *,
        statuses: Sequence[int] = (429, 500),
        seed: int | None = None,
        retry_after: int = 1,
    ) -> None:
        self.faults.fault_rate(method, rate, statuses=statuses, seed=seed, retry_after=retry_after)

    def rate_limit_per_channel(self, per_second: float | None = 1.0, *, burst: int = 1) -> None:
        self.faults.rate_limit_per_channel(per_second, burst=burst)

    def _api(self, request: Request) -> Response:
        method = request.path[len(API_PREFIX) :]
        params: JsonDict = dict(request.query_params())
        content_type = request.content_type
        if content_type == "application/json":
            try:
                body = request.json()
            except ValueError:
                return Response.json({"ok": False, "error": "invalid_json"})
            if body is not None and not isinstance(body, dict):
                return Response.json({"ok": False, "error": "invalid_json"})
            params.update(body or {})
        elif content_type == "application/x-www-form-urlencoded" or (
            request.body and not content_type
        ):
            params.update(request.form())
        elif request.body:
            return Response.json({"ok": False, "error": "invalid_form_data"})
        auth = request.header("authorization") or ""
        bearer = auth[len("Bearer ") :].strip() if auth.startswith("Bearer ") else None
        result = self.webapi.handle(method, params, bearer or None)
        return Response.json(result.body, status=result.status, headers=result.headers)

    def _authorize(self, request: Request) -> Response:
        """The admin approves at once: redirect to the app with a code for `team` (or the
        default team) and the app's `state`, as Slack does after "Allow"."""
        query = request.query_params()
        team_id = query.get("team") or self.state.team.id
        redirect = query.get("redirect_uri") or self.state.redirect_uri
        if team_id not in self.state.teams:
            return Response.text("unknown team", status=400)
        if not redirect or urlsplit(redirect).scheme not in ("http", "https"):
            return Response.text("no redirect_uri (set state.redirect_uri)", status=400)
        code = self.state.issue_code(team_id)
        separator = "&" if "?" in redirect else "?"
        location = (
            f"{redirect}{separator}{urlencode({'code': code, 'state': query.get('state', '')})}"
        )
        return Response(status=302, headers={"Location": location})

    def _upload(self, request: Request) -> Response:
        """The upload URL files.getUploadURLExternal handed out: the raw bytes, or a
        multipart form's file, as Slack takes either; 200 when taken, as Slack answers."""
        fault = self.faults.take(UPLOAD)
        if fault is not None and fault.fails:
            # A refusal here is an HTTP status, never `ok: false` in a 200.
            status = fault.status if fault.status != 200 else 400
            return Response.text(fault.error or "upload failed", status=status)
        data = _uploaded_bytes(request)
        refused = self.state.receive_upload(request.path[len(UPLOAD_PREFIX) :], data)
        if refused is not None:
            return Response.text(refused, status=404 if refused == "no such upload" else 400)
        return Response.text(f"OK - {len(data)}")

    def _file(self, request: Request) -> Response:
        """A shared file's `url_private`: its bytes (the playground links it)."""
        file_id = request.path[len(FILES_PREFIX) :].split("/", 1)[0]
        found = self.state.file_data(file_id)
        if found is None or found.data is None:
            return Response.text("file_not_found", status=404)
        return Response(body=found.data, headers={"Content-Type": found.mimetype})

    def _response_url(self, request: Request) -> Response:
        url_id = request.path[len(RESPONSE_PREFIX) :]
        try:
            body = request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return Response.text("invalid_payload", status=400)
        result = self.responder.post(url_id, body)
        return Response.json(result.body, status=result.status)


def _uploaded_bytes(request: Request) -> bytes:
    """The file in a POST to an upload URL: the body, or the file part of a multipart form."""
    if request.content_type != "multipart/form-data":
        return request.body
    head = f"Content-Type: {request.header('content-type')}\r\n\r\n".encode()
    form = BytesParser(policy=default).parsebytes(head + request.body)
    for part in form.iter_parts():
        if isinstance(part, EmailMessage) and part.get_filename() is not None:
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else b""
    return b""
