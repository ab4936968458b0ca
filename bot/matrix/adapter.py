"""The Matrix side of the bot: a mautrix client syncing on an asyncio loop in its own thread.

It joins the rooms it is invited to, reads `!forvaltning …` messages and reactions to the vote
message, and hands each to `listener` on a worker thread (the use cases are blocking database
work: the sync must not wait on them). The outbox sender, on its own thread, sends through the
same client with `call`, which runs a coroutine on this loop and waits for it, bounded.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

from aiohttp import ClientSession
from mautrix.client import Client, InternalEventType
from mautrix.types import EventType, SyncToken

from bot.config import Settings
from bot.domain.platform import matrix_team
from bot.matrix import client as matrix_client
from bot.matrix.deliveries import matrix_deliveries
from bot.matrix.listener import Listener
from bot.matrix.rooms import Rooms
from bot.outbox import Delivery
from bot.services.context import Services
from bot.services.outbox_events import OutboxKind

log = logging.getLogger(__name__)

T = TypeVar("T")
CALL_TIMEOUT = 60.0
START_TIMEOUT = 60.0


class MatrixAdapter:
    def __init__(
        self,
        services: Services,
        *,
        homeserver: str,
        user_id: str,
        access_token: str | None,
        password: str | None,
        notify: Callable[[], None],
    ) -> None:
        self.services = services
        self.homeserver = homeserver.rstrip("/")
        self.user_id = user_id
        self.team_id = matrix_team(user_id)
        self._token = access_token
        self._password = password
        self._notify = notify
        self._loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failed: BaseException | None = None
        self._stopped: asyncio.Event | None = None
        self._http: ClientSession | None = None
        self.client: Client | None = None
        self.rooms: Rooms | None = None

    @classmethod
    def from_settings(
        cls, settings: Settings, services: Services, notify: Callable[[], None]
    ) -> MatrixAdapter:
        assert settings.matrix_homeserver is not None and settings.matrix_user is not None
        token, password = settings.matrix_access_token, settings.matrix_password
        return cls(
            services,
            homeserver=settings.matrix_homeserver,
            user_id=settings.matrix_user,
            access_token=token.get_secret_value() if token else None,
            password=password.get_secret_value() if password else None,
            notify=notify,
        )

    def deliveries(self) -> dict[OutboxKind, Delivery]:
        return matrix_deliveries(self.services, self)

    def start(self) -> None:
        """Log in, catch up with pending invitations and start syncing; back when it syncs."""
        self._thread = threading.Thread(target=self._run, name="matrix", daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT):
            raise TimeoutError(f"Matrix did not start within {START_TIMEOUT:.0f} s")
        if self._failed is not None:
            raise self._failed

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float = CALL_TIMEOUT) -> T:
        """Run `coroutine` on the adapter's loop from another thread and wait for its result."""
        future: Future[T] = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return future.result(timeout)

    def stop(self, timeout: float = 10) -> None:
        if self._thread is None or self._stopped is None:
            return
        self._loop.call_soon_threadsafe(self._stopped.set)
        self._thread.join(timeout)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._main())
        finally:
            self._loop.close()

    async def _main(self) -> None:
        self._stopped = asyncio.Event()
        try:
            await self._connect()
        except BaseException as err:  # told to `start`, which raises it in the caller
            self._failed = err
            self._ready.set()
            if self._http is not None:
                await self._http.close()
            return
        assert self.client is not None
        self._ready.set()
        await self._stopped.wait()
        self.client.stop()
        assert self._http is not None
        await self._http.close()

    async def _connect(self) -> None:
        self._http = matrix_client.session()
        client = matrix_client.build_client(
            self.homeserver, self.user_id, self._token or "", self._http
        )
        if not self._token:
            assert self._password is not None
            await matrix_client.log_in(client, self._password)
        whoami = await client.whoami()
        if whoami.user_id != self.user_id:
            raise RuntimeError(f"MATRIX_USER is {self.user_id}, the token is {whoami.user_id}'s")
        self.client = client
        self.rooms = Rooms(client)
        await self.rooms.load()
        listener = Listener(self, client, self.rooms)
        # What was written while the bot was away is not replayed as commands: the first sync
        # only gives the position and the invitations waiting.
        first = await client.sync(timeout=0)
        for room_id in (first.get("rooms") or {}).get("invite") or {}:
            await listener.join(room_id)
        await client.sync_store.put_next_batch(SyncToken(first["next_batch"]))
        client.add_event_handler(EventType.ROOM_MEMBER, listener.on_member)
        client.add_event_handler(EventType.ROOM_MESSAGE, listener.on_message)
        client.add_event_handler(EventType.REACTION, listener.on_reaction)
        client.add_event_handler(EventType.ROOM_ENCRYPTED, listener.on_encrypted)
        client.add_event_handler(EventType.ROOM_ENCRYPTION, listener.on_encryption)
        client.add_event_handler(EventType.ROOM_NAME, listener.on_room_named)
        client.add_event_handler(EventType.ROOM_CANONICAL_ALIAS, listener.on_room_named)
        client.add_event_handler(InternalEventType.SYNC_ERRORED, listener.on_sync_error)
        client.start(None)

    def in_worker(self, work: Callable[[], T]) -> asyncio.Future[T]:
        """Blocking work (a use case) on the loop's worker threads."""
        return self._loop.run_in_executor(None, work)

    def notify(self) -> None:
        self._notify()
