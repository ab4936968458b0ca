"""How Slack writes people, channels and links in a slash command's text: the one place that
knows Slack's forms, given to the platform-neutral grammar (`bot.commands`).

Slack sends the text escaped (the manifest sets `should_escape`): people arrive as
`<@U123|anna>`, channels as `<#C123|allmant>`, links as `<https://x.se|label>`, and a literal
`&`, `<` or `>` as `&amp;`, `&lt;`, `&gt;`. Free text is returned unescaped, because the
message layer escapes `& < >` when it renders.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from bot.commands import Command
from bot.commands import parse as parse_with

# An escaped Slack entity is one word even if its label holds spaces ("<https://x|two words>");
# any other non-space character belongs to the word it touches, so nothing is ever skipped.
_WORD = re.compile(r"(?:<[^<>]*>|\S)+")
# In lists of people or channels a comma also separates, since people write "@a, @b".
_LIST_ITEM = re.compile(r"(?:<[^<>]*>|[^\s,])+")
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^<>]*)?>")
_LINK = re.compile(r"<([^<>|]*)(?:\|[^<>]*)?>")


class SlackDialect:
    def words(self, text: str) -> Iterator[tuple[str, int]]:
        return ((m.group(), m.start()) for m in _WORD.finditer(text))

    def list_items(self, text: str) -> list[str]:
        return _LIST_ITEM.findall(text)

    def person(self, word: str) -> str | None:
        match = _USER.fullmatch(word)
        return match.group(1) if match else None

    def looks_like_person(self, word: str) -> bool:
        return word.startswith(("@", "<@"))

    def channel(self, word: str) -> str | None:
        match = _CHANNEL.fullmatch(word)
        return match.group(1) if match else None

    def link(self, word: str) -> str:
        match = _LINK.fullmatch(word)
        return self.plain(match.group(1) if match else word)

    def plain(self, text: str) -> str:
        # Only these three are escaped by Slack; `&amp;` last so "&amp;lt;" stays "&lt;".
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


SLACK = SlackDialect()


# The gate asks whether a command only reads (bot/slack/envelope.py), then the listener runs
# it: the same text, parsed once. A command is a frozen value and parsing reads no clock; a
# refusal (DomainError) is not kept, so a bad text is parsed again, as it should be.
@lru_cache(maxsize=256)
def parse(text: str) -> Command:
    """The command in a `/forvaltning` text as Slack sends it; raises only `DomainError`."""
    return parse_with(text, SLACK)
