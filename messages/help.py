"""The `help` reply, also shown under an unknown subcommand."""

from __future__ import annotations

from messages.blocks import context, section
from messages.environment import macros
from messages.message import Message


def help_message(lang: str, *, hint: str | None = None) -> Message:
    m = macros("help.md.j2", lang)
    intro, usage = m.intro().strip(), m.commands().strip()
    blocks = [section(intro), section(usage), context(m.footer().strip())]
    if hint:
        blocks.insert(0, section(hint))
    text = "\n\n".join(t for t in (hint, intro, usage) if t)
    return Message(text=text, blocks=blocks)
