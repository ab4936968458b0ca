"""How one chat platform writes people, channels and links into a command's text.

The grammar is the same on every platform; what differs is how an entity arrives. Slack sends
`<@U123|anna>`, `<#C123|allmant>` and `<https://x.se|label>` and escapes `& < >`; Matrix would
send `@anna:example.org` and `#room:example.org` or `!room:example.org`. Each platform adapter
implements this protocol once and passes it to `bot.commands.parse`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol


class Dialect(Protocol):
    def words(self, text: str) -> Iterator[tuple[str, int]]:
        """Each word of `text` with the offset it starts at.

        An entity is one word even if its label holds spaces, and no character may be skipped
        (what is not understood must reach the grammar, to be refused there).
        """
        ...

    def list_items(self, text: str) -> list[str]:
        """The items of a list of people or channels (`@a, @b`: a comma separates too)."""
        ...

    def person(self, word: str) -> str | None:
        """The user id a mention names; None if the word is no mention."""
        ...

    def looks_like_person(self, word: str) -> bool:
        """The word is meant as a person, mention or not (so arguments may come in any order)."""
        ...

    def channel(self, word: str) -> str | None:
        """The channel id a channel reference names; None if the word is no such reference."""
        ...

    def link(self, word: str) -> str:
        """The URL in a word as the person meant it, unwrapped and unescaped (not yet checked)."""
        ...

    def plain(self, text: str) -> str:
        """Free text as the person typed it, the platform's escapes undone."""
        ...
