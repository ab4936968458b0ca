"""The playground page over HTTP: its static files, its JSON endpoints, and who may call them.

The page has no login, so it answers only itself: requests naming another host, cross-site
posts and anything but small JSON bodies are refused before a `HumanClient` sees them.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bot.emulator.ledger import JsonDict
from bot.emulator.routes import Request, Response

if TYPE_CHECKING:
    from bot.emulator.client import HumanClient

STATE_PATH = "/playground/state"
ACTION_PREFIX = "/playground/"
STATIC_PREFIX = "/static/"
MAX_BODY = 64 * 1024

_CONTENT_TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
}
# The page runs only its own script and style: even an escaping bug could not run anything.
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class ClientError(Exception):
    """Something the person asked for that cannot be done; told to the page, not raised on."""


def _static_files() -> dict[str, tuple[bytes, str]]:
    folder = resources.files("bot.emulator").joinpath("static")
    files: dict[str, tuple[bytes, str]] = {}
    for entry in folder.iterdir():
        suffix = "." + entry.name.rsplit(".", 1)[-1]
        if entry.is_file() and suffix in _CONTENT_TYPES:
            files[entry.name] = (entry.read_bytes(), _CONTENT_TYPES[suffix])
    return files


def _secure(response: Response) -> Response:
    response.headers.update(_SECURITY_HEADERS)
    return response


class Page:
    """The routes `HumanClient.install` adds to its `FakeSlack`."""

    def __init__(self, client: HumanClient) -> None:
        self.client = client
        self._static = _static_files()

    def install(self) -> None:
        self.client.fake.add_route("GET", "/", self._get)
        self.client.fake.add_route("POST", ACTION_PREFIX, self._post)

    def _allowed_hosts(self) -> set[str]:
        port = self.client.fake.port
        return {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}

    def _refuse(self, request: Request) -> Response | None:
        # The page must only answer itself, not another site the person has open (a
        # cross-site form post) nor a rebound DNS name pointing at loopback.
        if request.header("host") not in self._allowed_hosts():
            return Response.text("unknown host", status=421)
        if request.method == "POST":
            origin = request.header("origin")
            if origin is not None and urlsplit(origin).netloc not in self._allowed_hosts():
                return Response.json({"ok": False, "error": "cross-origin request"}, status=403)
            if request.content_type != "application/json":
                return Response.json({"ok": False, "error": "JSON only"}, status=415)
            if len(request.body) > MAX_BODY:
                return Response.json({"ok": False, "error": "too large"}, status=413)
        return None

    def _file(self, name: str) -> Response:
        found = self._static.get(name)
        if found is None:
            return Response.text("not found", status=404)
        content, kind = found
        return _secure(Response(body=content, headers={"Content-Type": f"{kind}; charset=utf-8"}))

    def _get(self, request: Request) -> Response:
        refused = self._refuse(request)
        if refused is not None:
            return refused
        if request.path in ("/", "/index.html"):
            return self._file("index.html")
        if request.path == "/favicon.ico":
            return Response(status=204)  # browsers ask; an empty answer keeps their console quiet
        if request.path.startswith(STATIC_PREFIX):
            return self._file(request.path[len(STATIC_PREFIX) :])
        if request.path == STATE_PATH:
            params = request.query_params()
            try:
                data = self.client.snapshot(params.get("user", ""), params.get("conversation", ""))
            except ClientError as err:
                return _secure(Response.json({"ok": False, "error": str(err)}, status=400))
            return _secure(Response.json({"ok": True, **data}))
        return Response.text("not found", status=404)

    def _post(self, request: Request) -> Response:
        refused = self._refuse(request)
        if refused is not None:
            return refused
        try:
            body = request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return Response.json({"ok": False, "error": "a JSON object, please"}, status=400)
        action = request.path[len(ACTION_PREFIX) :]
        try:
            self._act(action, body)
        except ClientError as err:
            return _secure(Response.json({"ok": False, "error": str(err)}, status=400))
        return _secure(Response.json({"ok": True}))

    def _act(self, action: str, body: JsonDict) -> None:
        def field(name: str, *, required: bool = True) -> str | None:
            value = body.get(name)
            if value is None and not required:
                return None
            if not isinstance(value, str) or (required and not value):
                raise ClientError(f"{name} is missing")
            return value

        client = self.client
        user = field("user") or ""
        if action == "command":
            client.command(user, field("conversation") or "", field("text") or "")
        elif action == "click":
            client.click(
                user,
                field("action_id") or "",
                value=field("value", required=False),
                channel_id=field("channel", required=False),
                message_ts=field("ts", required=False),
                view_id=field("view", required=False),
            )
        elif action == "submit":
            values = body.get("values")
            if not isinstance(values, dict) or not all(
                isinstance(v, dict) and all(isinstance(x, str) for x in v.values())
                for v in values.values()
            ):
                raise ClientError("values must be {block_id: {action_id: text}}")
            client.submit(user, field("view") or "", values)
        elif action == "close":
            client.close(user, field("view") or "")
        elif action == "home":
            client.open_home(user)
        else:
            raise ClientError(f"unknown action {action!r}")
