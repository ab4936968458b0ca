"""Who is in a room, for the use cases that ask (`bot.services.directory.Directory`).

The bot sees a room's members only from inside it: for a room it has not been invited to the
answer is False, which the refusal explains (invite the bot, or leave the room out).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from mautrix.client import Client
from mautrix.errors import MatrixRequestError
from mautrix.types import RoomID, UserID


class MatrixDirectory:
    def __init__(self, client: Client, call: Callable[[Coroutine[Any, Any, Any]], Any]) -> None:
        self._client = client
        self._call = call  # runs a coroutine on the adapter's loop from a worker thread

    def is_member(self, team_id: str, channel_id: str, user_id: str) -> bool:
        try:
            members = self._call(self._client.get_joined_members(RoomID(channel_id)))
        except MatrixRequestError:
            return False
        return UserID(user_id) in members
