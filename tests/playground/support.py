"""Helpers for the playground tests: a started playground and its JSON endpoints."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from bot.playground import Playground
from bot.wiring import Bot


def start_playground(*, demo: bool = False) -> Playground:
    return Playground(Bot.build, port=0, demo=demo, log_level="WARNING").start()


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def http(
    url: str, *, data: Any = None, headers: dict[str, str] | None = None, raw: bytes | None = None
) -> Reply:
    body = raw if raw is not None else (None if data is None else json.dumps(data).encode())
    sent = {"Content-Type": "application/json"} if data is not None else {}
    request = urllib.request.Request(  # noqa: S310  (a loopback URL the test built)
        url, data=body, headers={**sent, **(headers or {})}, method="POST" if body else "GET"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:  # noqa: S310
            return Reply(reply.status, dict(reply.headers.items()), reply.read())
    except urllib.error.HTTPError as err:
        with err:
            return Reply(err.code, dict(err.headers.items()), err.read())


class Page:
    """The page's JSON endpoints, as one person uses them."""

    def __init__(self, playground: Playground) -> None:
        self.url = playground.url.rstrip("/")
        assert playground.ids is not None
        self.ids = playground.ids

    def state(self, person: str, conversation: str = "") -> dict[str, Any]:
        user = self.ids.people[person]
        channel = self.ids.channels.get(conversation, conversation)
        reply = http(f"{self.url}/playground/state?user={user}&conversation={channel}")
        assert reply.status == 200, reply.text
        data: dict[str, Any] = reply.json
        return data

    def act(self, action: str, person: str, **fields: Any) -> Reply:
        return http(
            f"{self.url}/playground/{action}", data={"user": self.ids.people[person], **fields}
        )

    def type(self, person: str, channel: str, text: str) -> Reply:
        return self.act("command", person, conversation=self.ids.channels[channel], text=text)
