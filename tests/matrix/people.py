"""People on the test Synapse: a mautrix client each, who joins what they are invited to and
waits (bounded by the test's timeout) for what the bot says to them."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

from mautrix.client import ClientAPI
from mautrix.types import (
    EventID,
    EventType,
    Format,
    InReplyTo,
    MessageType,
    RelatesTo,
    RoomAlias,
    RoomCreatePreset,
    RoomID,
    SyncToken,
    TextMessageEventContent,
    UserID,
)

from tests.matrix.clients import client
from tests.matrix.synapse import SERVER_NAME, Account, Synapse

LONG_POLL_MS = 5000
TEST_TIMEOUT = 90.0  # a whole conversation; seen here: about 35 s


@dataclass
class Said:
    """A message in a room, as a person's /sync gave it."""

    room: str
    event_id: str
    sender: str
    content: dict[str, Any]

    @property
    def body(self) -> str:
        new = self.content.get("m.new_content") or self.content
        return str(new.get("body", ""))

    @property
    def html(self) -> str:
        new = self.content.get("m.new_content") or self.content
        return str(new.get("formatted_body", ""))

    @property
    def edits(self) -> str | None:
        relates = self.content.get("m.relates_to") or {}
        return relates.get("event_id") if relates.get("rel_type") == "m.replace" else None


@dataclass
class Person:
    api: ClientAPI
    user_id: str
    since: SyncToken | None = None
    seen: list[Said] = field(default_factory=list)

    async def sync(self) -> None:
        answer: dict[str, Any] = await self.api.sync(since=self.since, timeout=LONG_POLL_MS)
        self.since = SyncToken(answer["next_batch"])
        rooms = answer.get("rooms", {})
        for room_id in rooms.get("invite", {}):
            await self.api.join_room_by_id(RoomID(room_id))
        for room_id, data in rooms.get("join", {}).items():
            for raw in data.get("timeline", {}).get("events", []):
                if raw.get("type") == EventType.ROOM_MESSAGE.t:
                    self.seen.append(
                        Said(room_id, raw["event_id"], raw["sender"], raw.get("content", {}))
                    )

    async def hears(self, check: Callable[[Said], bool], *, sender: str) -> Said:
        """The first message from `sender` that passes `check`, waiting for it if need be."""
        while True:
            for said in self.seen:
                if said.sender == sender and check(said):
                    self.seen.remove(said)
                    return said
            await self.sync()

    async def say(
        self, room: str, text: str, html: str | None = None, *, reply_to: str | None = None
    ) -> EventID:
        content = TextMessageEventContent(msgtype=MessageType.TEXT, body=text)
        if html is not None:
            content.format = Format.HTML
            content.formatted_body = html
        if reply_to is not None:  # as Element replies now: the relation, no quoted fallback
            content.relates_to = RelatesTo(in_reply_to=InReplyTo(event_id=EventID(reply_to)))
        return await self.api.send_message_event(RoomID(room), EventType.ROOM_MESSAGE, content)


@contextlib.asynccontextmanager
async def person(synapse: Synapse, account: Account) -> AsyncIterator[Person]:
    async with client(synapse, account) as api:
        someone = Person(api, account.user_id)
        await someone.sync()  # from now on: what happens after the test starts
        someone.seen.clear()
        yield someone


def pill(user_id: str, name: str) -> str:
    """A mention as Element writes it in the HTML body."""
    return f'<a href="https://matrix.to/#/{user_id}">{name}</a>'


async def room(
    owner: Person,
    name: str,
    invite: list[str],
    *,
    alias: str | None = None,
    encrypted: bool = False,
) -> str:
    encryption: dict[str, Any] = {
        "type": "m.room.encryption",
        "state_key": "",
        "content": {"algorithm": "m.megolm.v1.aes-sha2"},
    }
    created = await owner.api.create_room(
        alias_localpart=alias,
        name=name,
        preset=RoomCreatePreset.PRIVATE,
        invitees=[UserID(u) for u in invite],
        initial_state=[encryption] if encrypted else None,
    )
    return str(created)


def scenario(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run a test's conversation, bounded as a whole."""

    async def bounded() -> None:
        async with asyncio.timeout(TEST_TIMEOUT):
            await coroutine

    asyncio.run(bounded())


class Cast:
    """The bot's account and the people: Anna (projektledare), Erik (owner), Sara (chair),
    Olle and Karin (members)."""

    NAMES = ("anna", "erik", "sara", "olle", "karin")

    def __init__(self, synapse: Synapse) -> None:
        self.synapse = synapse
        self.bot = synapse.register("forvaltningsbot")
        # What an operator does for the bot's account: it answers a whole steering group.
        synapse.exempt_from_rate_limits(self.bot.user_id)
        self.accounts = {name: synapse.register(name) for name in self.NAMES}
        # Anna types twenty commands in seconds, at the test's speed, not a person's.
        synapse.exempt_from_rate_limits(self.accounts["anna"].user_id)

    async def enter(self, stack: AsyncExitStack) -> list[Person]:
        return [
            await stack.enter_async_context(person(self.synapse, self.accounts[name]))
            for name in self.NAMES
        ]

    async def alias(self, owner: Person, name: str, invite: list[str]) -> RoomAlias:
        """A room made with an alias of its own; the alias."""
        local = "rum-" + secrets.token_hex(4)
        await room(owner, name, invite, alias=local)
        return RoomAlias(f"#{local}:{SERVER_NAME}")
