"""The response_urls handed to the bot with commands and clicks, and what was posted to them."""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass

from bot.emulator.ledger import JsonDict, Ledger


@dataclass
class ResponseUrl:
    id: str
    channel: str | None
    user: str | None
    message_ts: str | None
    uses: int = 0


@dataclass
class ResponsePost:
    url_id: str
    body: JsonDict
    status: int


class ResponseUrls(Ledger):
    """Where each minted response_url points, and every post to one, answered or refused."""

    def __init__(self) -> None:
        super().__init__()
        self._response_urls: dict[str, ResponseUrl] = {}
        self._response_posts: list[ResponsePost] = []

    def mint_response_url(
        self,
        *,
        channel: str | None = None,
        user: str | None = None,
        message_ts: str | None = None,
    ) -> str:
        """Register a response_url; returns the id the HTTP layer puts in the path."""
        with self.lock:
            url_id = secrets.token_urlsafe(12)
            self._response_urls[url_id] = ResponseUrl(
                id=url_id, channel=channel, user=user, message_ts=message_ts
            )
            return url_id

    def response_url_target(self, url_id: str) -> ResponseUrl | None:
        with self.lock:
            return self._response_urls.get(url_id)

    def record_response_post(self, post: ResponsePost) -> None:
        with self.lock:
            self._response_posts.append(copy.deepcopy(post))

    def response_posts(self, url_id: str | None = None) -> list[ResponsePost]:
        """A snapshot for tests, never the live records."""
        with self.lock:
            return copy.deepcopy([p for p in self._response_posts if url_id in (None, p.url_id)])
