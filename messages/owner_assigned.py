"""The DM a person gets when they are made owner of an activity."""

from __future__ import annotations

from bot.domain.phase import ActivityDef
from messages.blocks import section
from messages.environment import macros
from messages.message import Message


def owner_assigned(
    activity: ActivityDef, project: str, channel: str, due: str | None, by: str, lang: str
) -> Message:
    text = macros("owner_assigned.md.j2", lang).body(activity, project, channel, due, by).strip()
    return Message(text=text, blocks=[section(text)])
