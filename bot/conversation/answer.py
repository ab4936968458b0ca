"""What a command is asked with and what it answers, apart from any platform.

Each platform says the same thing in its own place: a `PRIVATE` answer is what only the person
sees (Slack: ephemeral; Matrix: the person's direct room), a `SHARED` one goes to everyone in
the channel or room the command was written in (Slack: in_channel; Matrix: the room).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from bot.services.context import Actor, Services
from bot.services.directory import Directory
from messages.message import Message


class Visibility(Enum):
    PRIVATE = "private"
    SHARED = "shared"


@dataclass(frozen=True)
class Asked:
    """Who asked, in which channel or room, in which language; who is in which channel
    (`directory`, asked of the platform); `notify` wakes the sender after a change queued
    messages, so they leave now rather than at the next tick."""

    services: Services
    actor: Actor
    channel: str
    lang: str
    directory: Directory
    notify: Callable[[], None]


@dataclass(frozen=True)
class Answer:
    message: Message
    visibility: Visibility = Visibility.PRIVATE


def shared(message: Message) -> Answer:
    return Answer(message, Visibility.SHARED)
