"""mautrix clients for the tests, with the homeserver's retry_after_ms kept on a rate limit
the way the bot keeps it (`bot.matrix.client`: mautrix/python#135 drops it otherwise)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from aiohttp import ClientSession, ClientTimeout
from mautrix.client import ClientAPI
from mautrix.types import UserID

from bot.matrix.client import RateLimited, raise_rate_limited
from tests.matrix.synapse import Account, Synapse

REQUEST_TIMEOUT = ClientTimeout(total=60)  # above the longest long-poll a test asks for

__all__ = ["RateLimited", "client"]


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
