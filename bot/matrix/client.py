"""The mautrix client the adapter talks through, and the homeserver's errors as the sender's.

mautrix raises `MLimitExceeded` on a 429 but drops the body, so the `retry_after_ms` the outbox
must honour would be lost (mautrix/python#135). aiohttp's `raise_for_status` hook sees the
response first and raises `RateLimited` with the wait; being an `MLimitExceeded`, it passes
through mautrix's request loop unchanged.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from typing import Any

from aiohttp import ClientError, ClientResponse, ClientSession, ClientTimeout
from mautrix.client import Client
from mautrix.client.state_store import MemoryStateStore, MemorySyncStore
from mautrix.errors import MatrixRequestError, MLimitExceeded
from mautrix.types import Obj, UserID

from bot.outbox import Failed, Retry

# Above the sync's long poll (30 s), so only a homeserver that stopped answering times out.
REQUEST_TIMEOUT = ClientTimeout(total=60)
DEVICE_NAME = "Förvaltningsbot"


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


def session() -> ClientSession:
    return ClientSession(raise_for_status=raise_rate_limited, timeout=REQUEST_TIMEOUT)


def build_client(homeserver: str, user_id: str, token: str, http: ClientSession) -> Client:
    # No retries inside mautrix: the sender retries, with its backoff and its doubt.
    return Client(
        mxid=UserID(user_id),
        base_url=homeserver,
        token=token,
        client_session=http,
        sync_store=MemorySyncStore(),
        state_store=MemoryStateStore(),
        default_retry_count=0,
    )


async def log_in(client: Client, password: str) -> None:
    """A password login: a new device and token for this process."""
    await client.login(
        identifier=client.mxid, password=password, device_name=DEVICE_NAME, store_access_token=True
    )


def txn_id(outbox_key: str) -> str:
    """A transaction id from the outbox key: a retried send of one event is one Matrix event."""
    return "fvb-" + hashlib.sha256(outbox_key.encode()).hexdigest()[:40]


def outcome(err: Exception) -> Retry | Failed:
    """The sender's outcome of a failed homeserver call."""
    if isinstance(err, RateLimited):
        after = (err.retry_after_ms or 1000) / 1000
        return Retry(after, "M_LIMIT_EXCEEDED")
    if isinstance(err, MLimitExceeded):
        return Retry(1.0, "M_LIMIT_EXCEEDED")
    if isinstance(err, MatrixRequestError):
        status = err.http_status
        if status >= 500:
            return Retry(None, f"http {status}", doubt=True)
        code = str(getattr(err, "errcode", None) or status)
        # Not in the room, or not allowed there: the projektledare must invite the bot.
        return Failed(code, private=code in ("M_FORBIDDEN", "M_NOT_FOUND"))
    if isinstance(err, ClientError | OSError | TimeoutError):
        return Retry(None, type(err).__name__, doubt=True)
    raise err


def content(values: Mapping[str, Any]) -> Obj:
    """Event content as mautrix sends it: any JSON object, our own fields included."""
    return Obj(**values)  # type: ignore[no-untyped-call]
