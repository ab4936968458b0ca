"""The harness and the client library against a real Synapse: what the Matrix adapter will do."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

from mautrix.client import ClientAPI
from mautrix.types import (
    JSON,
    Event,
    EventID,
    EventType,
    Format,
    MessageEvent,
    MessageType,
    PaginationDirection,
    ReactionEvent,
    RelationType,
    RoomID,
    SyncToken,
    TextMessageEventContent,
    UserID,
)

from tests.matrix.clients import RateLimited, client
from tests.matrix.synapse import Synapse

T = TypeVar("T")
TEST_TIMEOUT = 60.0  # every wait below is bounded by this
LONG_POLL_MS = 5000


def run(coroutine: Awaitable[T]) -> T:
    async def bounded() -> T:
        async with asyncio.timeout(TEST_TIMEOUT):
            return await coroutine

    return asyncio.run(bounded())


def notice(body: str, html: str) -> TextMessageEventContent:
    return TextMessageEventContent(
        msgtype=MessageType.NOTICE, body=body, format=Format.HTML, formatted_body=html
    )


async def next_reaction(
    api: ClientAPI, room: RoomID, since: SyncToken, to: EventID
) -> tuple[ReactionEvent, SyncToken]:
    """Long-poll /sync until a reaction to `to` arrives in `room` (bounded by the test timeout)."""
    while True:
        answer: dict[str, Any] = await api.sync(since=since, timeout=LONG_POLL_MS)
        since = SyncToken(answer["next_batch"])
        timeline = answer.get("rooms", {}).get("join", {}).get(room, {}).get("timeline", {})
        for raw in timeline.get("events", []):
            if raw.get("type") != EventType.REACTION.t:
                continue
            # /sync leaves room_id out of timeline events; mautrix's Syncer adds it back too.
            reaction = ReactionEvent.deserialize(JSON({**raw, "room_id": room}))
            if reaction.content.relates_to.event_id == to:
                return reaction, since


async def latest_events(api: ClientAPI, room: RoomID, limit: int) -> list[Event]:
    page = await api.get_messages(room, PaginationDirection.BACKWARD, limit=limit)
    # PaginatedMessages is a keyword-form NamedTuple, which mypy sees without fields.
    events: list[Event] = page._asdict()["events"]
    return events


async def bodies_after(api: ClientAPI, room: RoomID, after: EventID) -> list[str]:
    """The bodies of the room's messages since the event `after`, newest first."""
    bodies: list[str] = []
    for event in await latest_events(api, room, 20):
        if event.event_id == after:
            return bodies
        if isinstance(event, MessageEvent):
            bodies.append(event.content.body)
    raise AssertionError("the event was not among the latest 20")


def test_bot_and_person_talk_through_synapse(synapse: Synapse) -> None:
    bot_account = synapse.register("forvaltningsbot")
    anna_account = synapse.register("anna")

    async def scenario() -> None:
        async with client(synapse) as bot, client(synapse, anna_account) as anna:
            login = await bot.login(UserID(bot_account.user_id), password=bot_account.password)
            assert login.user_id == bot_account.user_id
            assert (await bot.whoami()).user_id == bot_account.user_id

            room = await bot.create_room(name="Kommunen X")
            await bot.invite_user(room, UserID(anna_account.user_id))
            assert await anna.join_room_by_id(room) == room

            created = notice(
                "Projektet Kommunen X är skapat", "Projektet <b>Kommunen X</b> är skapat"
            )
            notice_id = await bot.send_message_event(room, EventType.ROOM_MESSAGE, created)
            edited = notice("Omröstningen: 1 ja", "Omröstningen: <b>1 ja</b>")
            edited.set_edit(notice_id)
            edit_id = await bot.send_message_event(room, EventType.ROOM_MESSAGE, edited)

            seen = await anna.get_event(room, notice_id)
            assert isinstance(seen, MessageEvent)
            assert seen.content.msgtype == MessageType.NOTICE
            assert seen.content.formatted_body == "Projektet <b>Kommunen X</b> är skapat"
            edit = await anna.get_event(room, edit_id)
            assert isinstance(edit, MessageEvent)
            assert edit.content.relates_to.rel_type == RelationType.REPLACE
            assert edit.content.get_edit() == notice_id
            new_content = edit.content.serialize()["m.new_content"]
            assert new_content["body"] == "Omröstningen: 1 ja"
            assert new_content["formatted_body"] == "Omröstningen: <b>1 ja</b>"

            since = SyncToken((await bot.sync(timeout=0))["next_batch"])
            await anna.react(room, notice_id, "✅")
            reaction, since = await next_reaction(bot, room, since, notice_id)
            assert reaction.sender == anna_account.user_id
            assert reaction.content.relates_to.rel_type == RelationType.ANNOTATION
            assert reaction.content.relates_to.key == "✅"

            # A retried send with the same transaction id is the same event, not a second one.
            reminder = notice("Påminnelse: förvaltningsplanen", "Påminnelse: förvaltningsplanen")
            first = await bot.send_message_event(
                room, EventType.ROOM_MESSAGE, reminder, txn_id="reminder-1"
            )
            again = await bot.send_message_event(
                room, EventType.ROOM_MESSAGE, reminder, txn_id="reminder-1"
            )
            assert again == first
            await bot.send_message_event(room, EventType.ROOM_MESSAGE, notice("klart", "klart"))
            bodies = await bodies_after(anna, room, reaction.event_id)
            assert bodies == ["klart", "Påminnelse: förvaltningsplanen"]

    run(scenario())


def test_a_burst_of_notices_meets_synapse_rate_limit_with_a_wait(synapse: Synapse) -> None:
    bot_account = synapse.register("forvaltningsbot")

    async def scenario() -> None:
        async with client(synapse, bot_account) as bot:
            room = await bot.create_room(name="Utskick")
            limited: RateLimited | None = None
            sent = 0
            for number in range(30):  # production's rc_message allows a burst of 10
                content = notice(f"Utskick {number}", f"Utskick {number}")
                try:
                    await bot.send_message_event(
                        room, EventType.ROOM_MESSAGE, content, txn_id=f"burst-{number}"
                    )
                except RateLimited as error:
                    limited = error
                    break
                sent += 1
            assert limited is not None, "30 notices in a row were never rate limited"
            assert limited.errcode == "M_LIMIT_EXCEEDED"
            assert limited.retry_after_ms is not None
            assert 0 < limited.retry_after_ms <= TEST_TIMEOUT * 1000 / 2

            # Waiting as asked, the same transaction goes through once.
            await asyncio.sleep(limited.retry_after_ms / 1000)
            content = notice(f"Utskick {sent}", f"Utskick {sent}")
            event_id = await bot.send_message_event(
                room, EventType.ROOM_MESSAGE, content, txn_id=f"burst-{sent}"
            )
            [latest] = await latest_events(bot, room, 1)
            assert latest.event_id == event_id

    run(scenario())
