"""What a `!forvaltning` command answers, and where the answer goes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from bot.services.context import Actor, Services
from bot.services.directory import Directory
from messages.message import Message


class Where(Enum):
    PRIVATE = "private"  # the person's direct room with the bot
    ROOM = "room"  # the room the command was written in


@dataclass(frozen=True)
class Asked:
    """Who asked, in which room, in which language; `notify` wakes the sender."""

    services: Services
    actor: Actor
    room: str
    lang: str
    notify: Callable[[], None]
    directory: Directory


@dataclass(frozen=True)
class Answer:
    message: Message
    where: Where = Where.PRIVATE
