"""mautrix clients for the tests, with the homeserver's retry_after_ms kept on a rate limit.

mautrix raises `MLimitExceeded` on a 429 but drops the body, so the `retry_after_ms` the outbox
has to honour is lost (mautrix/python#135, open since 2023). aiohttp's `raise_for_status` hook
sees the response before mautrix does, so it raises `RateLimited` with the wait instead; being an
`MLimitExceeded`, it passes through mautrix's request loop unchanged. bot/matrix needs the same.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import AsyncIterator

from aiohttp import ClientResponse, ClientSession, ClientTimeout
from mautrix.client import ClientAPI
from mautrix.errors import MLimitExceeded
from mautrix.types import UserID

from tests.matrix.synapse import Account, Synapse

REQUEST_TIMEOUT = ClientTimeout(total=60)  # above the longest long-poll a test asks for


class RateLimited(MLimitExceeded):
    """M_LIMIT_EXCEEDED with the wait the homeserver asked for."""

    def __init__(self, message: str, retry_after_ms: int | None) -> None:
        super().__init__(429, message)
        self.retry_after_ms = retry_after_ms


async def raise_rate_limited(response: ClientResponse) -> None:
    if response.status != 429:
        return
    body = await response.json(content_type=None)
    retry_after_ms = body.get("retry_after_ms")
    if retry_after_ms is None and "Retry-After" in response.headers:
        retry_after_ms = math.ceil(float(response.headers["Retry-After"]) * 1000)
    raise RateLimited(str(body.get("error", "")), retry_after_ms)


@contextlib.asynccontextmanager
async def client(synapse: Synapse, account: Account | None = None) -> AsyncIterator[ClientAPI]:
    """A client on its own HTTP session, signed in with the account's token if one is given."""
    async with ClientSession(raise_for_status=raise_rate_limited, timeout=REQUEST_TIMEOUT) as http:
        yield ClientAPI(
            mxid=UserID(account.user_id) if account else UserID(""),
            base_url=synapse.base_url,
            token=account.access_token if account else "",
            client_session=http,
        )
