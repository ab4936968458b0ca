"""What the bot keeps on the homeserver itself: its direct room with each person (`m.direct`,
as every Matrix client keeps it) and each person's language (`språk en|sv`); and the rooms'
names, as the homeserver has them, to show a room by its name rather than its id.

The first two live in the bot account's own account data, so they survive a restart and are
shared by a second replica without a table of ours; the database keeps what the rules and the
record need. The names are read when first shown and forgotten when a room's name changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from mautrix.client import Client
from mautrix.errors import MatrixRequestError, MNotFound
from mautrix.types import EventType, RoomCreatePreset, RoomID, UserID

from bot.domain.text import clean
from bot.matrix.client import content

DIRECT = EventType.find("m.direct", EventType.Class.ACCOUNT_DATA)
LANGUAGES = EventType.find("se.forvaltningsbot.languages", EventType.Class.ACCOUNT_DATA)
DEFAULT_LANGUAGE = "sv"
LANGUAGES_KNOWN = ("sv", "en")


async def _account_data(client: Client, kind: EventType) -> dict[str, object]:
    try:
        return dict(await client.get_account_data(kind))
    except MNotFound:
        return {}


class Rooms:
    """The bot's direct rooms and the people's languages, read once and kept up to date."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self._direct: dict[str, str] = {}
        self._languages: dict[str, str] = {}
        self._names: dict[str, str | None] = {}
        self._lock = asyncio.Lock()

    async def load(self) -> None:
        direct = await _account_data(self._client, DIRECT)
        for user, rooms in direct.items():
            if isinstance(rooms, list) and rooms:
                self._direct[user] = str(rooms[-1])
        languages = await _account_data(self._client, LANGUAGES)
        self._languages = {str(u): str(lang) for u, lang in languages.items()}

    def language(self, user_id: str) -> str:
        lang = self._languages.get(user_id, DEFAULT_LANGUAGE)
        return lang if lang in LANGUAGES_KNOWN else DEFAULT_LANGUAGE

    async def set_language(self, user_id: str, lang: str) -> None:
        async with self._lock:
            self._languages[user_id] = lang
            await self._client.set_account_data(LANGUAGES, content(self._languages))

    async def direct(self, user_id: str) -> RoomID:
        """The bot's direct room with the person, made (and the person invited) the first time."""
        async with self._lock:
            found = self._direct.get(user_id)
            if found is not None:
                return RoomID(found)
            room = await self._client.create_room(
                preset=RoomCreatePreset.TRUSTED_PRIVATE,
                invitees=[UserID(user_id)],
                is_direct=True,
                name="Förvaltningsbot",
            )
            self._direct[user_id] = room
            await self._client.set_account_data(DIRECT, content(self._direct_content()))
            return room

    def _direct_content(self) -> dict[str, list[str]]:
        return {user: [room] for user, room in self._direct.items()}

    def is_direct(self, room_id: str) -> bool:
        return room_id in self._direct.values()

    def is_direct_with(self, user_id: str, room_id: str) -> bool:
        return self._direct.get(user_id) == room_id

    async def names(self, room_ids: Iterable[str]) -> dict[str, str]:
        """Each room's name (else its canonical alias) by its id; a room without either, or
        one the bot cannot see, is left out and shown by its id."""
        for room_id in set(room_ids) - self._names.keys():
            self._names[room_id] = await self._name(RoomID(room_id))
        return {r: name for r in room_ids if (name := self._names.get(r))}

    def forget_name(self, room_id: str) -> None:
        """The room's name or alias changed: read it again when it is next shown."""
        self._names.pop(room_id, None)

    async def _name(self, room_id: RoomID) -> str | None:
        for kind, field in (
            (EventType.ROOM_NAME, "name"),
            (EventType.ROOM_CANONICAL_ALIAS, "alias"),
        ):
            try:
                found = await self._client.get_state_event(room_id, kind)
            except MatrixRequestError:
                continue
            # Someone wrote it: no control or bidirectional characters, one line.
            value = " ".join(clean(str(found.serialize().get(field) or "")).split())
            if value:
                return value
        return None
