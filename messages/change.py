"""The private confirmation after a change made with the slash command."""

from __future__ import annotations

from bot.domain.changes import Change
from messages.blocks import section
from messages.environment import macros
from messages.message import Message


def change_confirmed(change: Change, lang: str) -> Message:
    text = " ".join(macros("change.md.j2", lang).confirmation(change).split("\n")).strip()
    return Message(text=text, blocks=[section(text)])
