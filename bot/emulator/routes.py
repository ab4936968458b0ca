"""The emulator's HTTP layer without a socket: requests, responses and the route table."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";", 1)[0].strip().lower()

    def query_params(self) -> dict[str, str]:
        return dict(parse_qsl(self.query, keep_blank_values=True))

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8")) if self.body else None


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        return cls(
            status=status,
            body=json.dumps(data, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        )

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/plain") -> Response:
        return cls(
            status=status,
            body=text.encode("utf-8"),
            headers={"Content-Type": f"{content_type}; charset=utf-8"},
        )


Handler = Callable[[Request], Response]


@dataclass(frozen=True)
class Route:
    method: str
    prefix: str
    handler: Handler


class Router:
    """Routes by HTTP method and path prefix; the longest matching prefix wins.

    Prefix matching lets `/api/` take every Web API method and `/response/` every minted id,
    while a later `GET /` page can sit beside them without knowing about either.
    """

    def __init__(self) -> None:
        self._routes: list[Route] = []

    def add(self, method: str, prefix: str, handler: Handler) -> None:
        self._routes.append(Route(method.upper(), prefix, handler))
        self._routes.sort(key=lambda r: len(r.prefix), reverse=True)

    def routes(self) -> list[Route]:
        return list(self._routes)

    def dispatch(self, request: Request) -> Response:
        matching = [r for r in self._routes if request.path.startswith(r.prefix)]
        if not matching:
            return Response.text("not found", status=404)
        for route in matching:
            if route.method == request.method:
                return route.handler(request)
        return Response.text("method not allowed", status=405)
