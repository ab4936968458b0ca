"""Refusals: what was wrong and how to write it right, told to the user alone."""

from __future__ import annotations

from bot.domain.errors import DomainError, ErrorCode
from bot.domain.platform import Platform
from messages.blocks import section
from messages.environment import macros
from messages.help import help_message
from messages.message import Message


def error_message(err: DomainError, lang: str, platform: Platform = Platform.SLACK) -> Message:
    text = macros("error.md.j2", lang).explain(err.code.value, err.params).strip()
    if err.code is ErrorCode.UNKNOWN_SUBCOMMAND:
        # Someone who typed a word we don't know is best helped by seeing the words we do.
        return help_message(lang, hint=text, platform=platform)
    return Message(text=text, blocks=[section(text)])


def internal_error(reference: str, lang: str) -> Message:
    text = macros("error.md.j2", lang).internal(reference).strip()
    return Message(text=text, blocks=[section(text)])
