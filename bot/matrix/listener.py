"""What the bot hears in Matrix, translated: an invitation, a command, a reaction, encryption.

Listeners only translate: each event becomes one use case run on a worker thread (`answer`),
and its answer a notice in the room or in the person's direct room. A refusal says why, in the
person's language, privately; a failure nobody expected gives a reference to the logged trace.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from mautrix.client import Client
from mautrix.errors import MatrixRequestError, MNotFound
from mautrix.types import (
    EncryptedEvent,
    EventID,
    EventType,
    Membership,
    MemberStateEventContent,
    MessageEvent,
    MessageType,
    ReactionEvent,
    RoomAlias,
    RoomID,
    StateEvent,
    TextMessageEventContent,
)

import messages
from bot.commands import Command, SetChannels, SetVoteChannel
from bot.conversation import Answer, Asked, Visibility, justera_record, rule_on_jav, run
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.platform import Platform
from bot.domain.voting import Choice
from bot.matrix import words
from bot.matrix.client import RateLimited
from bot.matrix.client import content as content_of
from bot.matrix.deliveries import KEY_FIELD
from bot.matrix.dialect import command_text, parse, reply_text
from bot.matrix.directory import MatrixDirectory
from bot.matrix.rooms import LANGUAGES_KNOWN, Rooms
from bot.services import ballots, decisions, events, projects
from bot.services import outbox_events as out
from bot.services.context import Actor
from bot.services.outbox_events import OutboxKind
from messages.matrix import (
    Notice,
    encrypted_room,
    language_set,
    language_usage,
    notice,
    rooms_in,
    vote_usage,
)

if TYPE_CHECKING:
    from bot.matrix.adapter import MatrixAdapter

log = logging.getLogger(__name__)

# The reactions Element offers first, as the vote's choices; a variation selector is ignored.
ANSWER_TRIES = 5
REACTIONS = {"✅": Choice.yes, "❌": Choice.no, "➖": Choice.abstain}


class Listener:
    def __init__(self, adapter: MatrixAdapter, client: Client, rooms: Rooms) -> None:
        self._adapter = adapter
        self._client = client
        self._rooms = rooms
        self._encrypted_told: set[str] = set()

    async def join(self, room_id: str) -> None:
        try:
            await self._client.join_room_by_id(RoomID(room_id))
        except Exception:  # a withdrawn invitation or a server refusal: logged, not fatal
            log.warning("could not join %s", room_id, exc_info=True)
            return
        # The projektledare was told to invite the bot where an announcement could not go:
        # now that it is in, the announcement goes, as on Slack (member_joined_channel).
        services, team = self._adapter.services, self._adapter.team_id
        if await self._adapter.in_worker(lambda: decisions.bot_invited(services, team, room_id)):
            self._adapter.notify()

    async def on_member(self, event: StateEvent) -> None:
        if event.state_key != self._client.mxid:
            return
        content = event.content
        if isinstance(content, MemberStateEventContent) and content.membership == Membership.INVITE:
            await self.join(event.room_id)

    async def on_room_named(self, event: StateEvent) -> None:
        """A room's name or alias changed: messages show the new one from now on."""
        self._rooms.forget_name(str(event.room_id))

    async def on_encrypted(self, event: EncryptedEvent) -> None:
        await self._tell_encrypted(event.room_id, str(event.sender))

    async def on_encryption(self, event: StateEvent) -> None:
        await self._tell_encrypted(event.room_id, str(event.sender))

    async def _tell_encrypted(self, room_id: RoomID, sender: str) -> None:
        if room_id in self._encrypted_told or sender == self._client.mxid:
            return
        self._encrypted_told.add(room_id)
        await self._send(str(room_id), encrypted_room(self._rooms.language(sender)))

    async def on_sync_error(self, error: Exception, **_: object) -> None:
        log.warning("Matrix sync failed: %s", type(error).__name__)

    async def on_message(self, event: MessageEvent) -> None:
        content = event.content
        if event.sender == self._client.mxid or not isinstance(content, TextMessageEventContent):
            return
        if content.msgtype != MessageType.TEXT or content.get_edit() is not None:
            return  # a notice is a bot's; an edited command is not run again
        formatted = content.formatted_body if content.format else None
        sender, room = str(event.sender), str(event.room_id)
        text = command_text(content.body, formatted)
        answered = content.get_reply_to()
        if answered is not None and self._rooms.is_direct_with(sender, room):
            project_room = await self._reminded_of(room, str(answered))
            if project_room is not None:  # a reply to a reminder: as if in the project's room
                room, text = project_room, reply_text(content.body, formatted)
        if text is None or not await self._first(str(event.event_id)):
            return
        await self._command(sender, room, text)

    async def _reminded_of(self, room: str, event_id: str) -> str | None:
        """The project room of the reminder `event_id` (the bot's own message in `room`)."""
        key = await self._key_of(room, event_id)
        project = out.id_in_key(OutboxKind.REMINDER, key) if key else None
        if project is None:
            return None
        services, team = self._adapter.services, self._adapter.team_id
        return await self._adapter.in_worker(lambda: projects.channel_of(services, team, project))

    async def on_reaction(self, event: ReactionEvent) -> None:
        if event.sender == self._client.mxid:
            return
        relation = event.content.relates_to
        choice = REACTIONS.get((relation.key or "").replace("\ufe0f", ""))
        if choice is None:
            return
        sender, room, target = str(event.sender), str(event.room_id), str(relation.event_id)
        services, team = self._adapter.services, self._adapter.team_id
        vote_id = await self._adapter.in_worker(
            lambda: ballots.vote_of_message(services, team, room, target)
        )
        asked = self._asked(sender, room)
        work: Callable[[], Answer] | None = None
        if vote_id is not None:
            work = partial(words.vote, asked, choice, vote_id)
        elif choice is not Choice.abstain and self._rooms.is_direct_with(sender, room):
            # The bot asks for justering and rulings in the person's direct room only.
            work = await self._asked_in(asked, room, target, choice is Choice.yes)
        if work is None or not await self._first(str(event.event_id)):
            return
        await self._answer(asked, work)

    async def _asked_in(
        self, asked: Asked, room: str, target: str, yes: bool
    ) -> Callable[[], Answer] | None:
        """A ✅ or ❌ on one of the bot's own questions in a direct room: the justering message
        (✅ justerar) or a jäv to rule on (✅ jävig, ❌ inte jävig). Which record or question it
        is comes from the outbox key in the bot's own message; the use case checks that this
        person may answer it, as for Slack's buttons."""
        key = await self._key_of(room, target)
        if key is None:
            return None
        record = out.id_in_key(OutboxKind.JUSTERING, key)
        if record is not None and yes:
            return partial(justera_record, asked, record)
        question = out.id_in_key(OutboxKind.JAV_RULING, key)
        if question is not None:
            return partial(rule_on_jav, asked, question, javig=yes)
        return None

    async def _key_of(self, room: str, event_id: str) -> str | None:
        """The outbox key of a message the bot sent, None for anyone else's."""
        try:
            event = await self._client.get_event(RoomID(room), EventID(event_id))
        except MatrixRequestError:
            return None
        if event.sender != self._client.mxid:
            return None
        key = event.content.serialize().get(KEY_FIELD)
        return key if isinstance(key, str) else None

    async def _first(self, event_id: str) -> bool:
        """A second replica syncing the same account sees every event too: the database lets
        one of them act on it, as it does for Slack's redeliveries."""
        services, team = self._adapter.services, self._adapter.team_id
        return await self._adapter.in_worker(
            lambda: events.first_delivery(services, event_id, team)
        )

    def _asked(self, sender: str, room: str) -> Asked:
        actor = Actor(team_id=self._adapter.team_id, user_id=sender)
        return Asked(
            services=self._adapter.services,
            actor=actor,
            channel=room,
            lang=self._rooms.language(sender),
            directory=MatrixDirectory(self._client, self._adapter.call),
            notify=self._adapter.notify,
        )

    async def _command(self, sender: str, room: str, text: str) -> None:
        asked = self._asked(sender, room)
        own = words.matrix_word(text)
        if own is not None and own[0] == "language":
            await self._language(asked, own[1])
            return
        if own is not None:
            choice = words.CHOICE_WORDS.get(own[1])
            if choice is None:
                await self._private(asked, vote_usage(asked.lang))
                return
            await self._answer(asked, lambda: words.vote(asked, choice))
            return
        try:
            command = await self._resolved(parse(text))
        except DomainError as error:
            await self._private(asked, await self._notice(_failure(error, asked.lang)))
            return
        await self._answer(asked, lambda: run(asked, command))

    async def _resolved(self, command: Command) -> Command:
        """Rooms named by alias as the room ids they are now: what the project keeps."""
        if isinstance(command, SetChannels):
            ids = [await self._room_id(room, command) for room in command.channel_ids]
            return replace(command, channel_ids=tuple(ids))
        if isinstance(command, SetVoteChannel):
            return replace(command, channel_id=await self._room_id(command.channel_id, command))
        return command

    async def _room_id(self, room: str, command: SetChannels | SetVoteChannel) -> str:
        if not room.startswith("#"):
            return room
        try:
            return str((await self._client.resolve_room_alias(RoomAlias(room))).room_id)
        except MNotFound as err:
            usage = command.subcommand.value
            raise DomainError(ErrorCode.BAD_CHANNEL, value=room, usage=usage) from err

    async def _language(self, asked: Asked, code: str) -> None:
        if code not in LANGUAGES_KNOWN:
            await self._private(asked, language_usage(asked.lang))
            return
        await self._rooms.set_language(asked.actor.user_id, code)
        await self._private(asked, language_set(code, code))

    async def _answer(self, asked: Asked, work: Callable[[], Answer]) -> None:
        """Run the use case on a worker thread and send its answer where it belongs."""
        try:
            answer = await self._adapter.in_worker(work)
        except Exception as error:
            await self._private(asked, await self._notice(_failure(error, asked.lang)))
            return
        shown = await self._notice(answer.message)
        if answer.visibility is Visibility.SHARED:
            await self._send(asked.channel, shown)
        else:
            await self._private(asked, shown)

    async def _notice(self, message: messages.Message) -> Notice:
        """The message as a notice, each room it names shown by the room's name."""
        rooms_named = rooms_in(message)
        return notice(message, names=await self._rooms.names(rooms_named) if rooms_named else {})

    async def _private(self, asked: Asked, shown: Notice) -> None:
        room = await self._rooms.direct(asked.actor.user_id)
        await self._send(str(room), shown)

    async def _send(self, room: str, shown: Notice) -> None:
        """An answer: on a rate limit it waits as long as the homeserver asks (only this
        conversation waits: the loop goes on), a bounded number of times."""
        content = content_of(shown.content())
        txn = uuid.uuid4().hex  # one transaction for every try: a retried answer is one answer
        for _ in range(ANSWER_TRIES - 1):
            try:
                await self._client.send_message_event(
                    RoomID(room), EventType.ROOM_MESSAGE, content, txn_id=txn
                )
                return
            except RateLimited as limited:
                await asyncio.sleep((limited.retry_after_ms or 1000) / 1000)
        await self._client.send_message_event(
            RoomID(room), EventType.ROOM_MESSAGE, content, txn_id=txn
        )


def _failure(error: Exception, lang: str) -> messages.Message:
    if isinstance(error, DomainError):
        return messages.error_message(error, lang, Platform.MATRIX)
    reference = uuid.uuid4().hex[:8]
    log.error("unexpected error, reference %s", reference, exc_info=error)
    return messages.internal_error(reference, lang)
