"""The channel's confirmation that a project now lives in it."""

from __future__ import annotations

from bot.domain.project import ProjectView
from messages.blocks import context, section
from messages.environment import macros
from messages.message import Message


def project_created(view: ProjectView, lang: str) -> Message:
    m = macros("project_created.md.j2", lang)
    body, next_steps = m.body(view).strip(), m.next_steps().strip()
    return Message(text=body, blocks=[section(body), context(next_steps)])
