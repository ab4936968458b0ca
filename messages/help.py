"""The `help` reply, also shown under an unknown subcommand: every command, as the reader's
platform writes it (`/forvaltning` in Slack, `!forvaltning` in Matrix, with Matrix's own
`rösta` and `språk`)."""

from __future__ import annotations

from bot.domain.platform import Platform
from messages.blocks import context, section
from messages.environment import macros
from messages.message import Message

PREFIX = {Platform.SLACK: "/forvaltning", Platform.MATRIX: "!forvaltning"}


def help_message(
    lang: str, *, hint: str | None = None, platform: Platform = Platform.SLACK
) -> Message:
    m = macros("help.md.j2", lang)
    command, matrix = PREFIX[platform], platform is Platform.MATRIX
    parts = [
        m.intro(),
        m.commands(command),
        m.work(command),
        m.steering(command),
        m.vote(command, matrix),
        m.record(command, matrix),
    ]
    texts = [str(p).strip() for p in parts]
    blocks = [section(t) for t in texts] + [context(str(m.footer(matrix)).strip())]
    if hint:
        blocks.insert(0, section(hint))
    text = "\n\n".join(t for t in (hint, *texts) if t)
    return Message(text=text, blocks=blocks)
