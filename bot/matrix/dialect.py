"""How Matrix writes people, rooms and links in a `!forvaltning …` message.

People are user ids (`@anna:example.org`), rooms ids (`!abc:example.org`) or aliases
(`#forvaltning:example.org`); nothing is escaped. Element writes a mention as a pill: the
HTML body links `https://matrix.to/#/@anna:example.org` while the plain body shows a name, so a
command is read from the HTML when there is one, each pill replaced by the id it links.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import unquote

from bot.commands import Command
from bot.commands import parse as parse_with

PREFIX = "!forvaltning"
_PERSON = re.compile(r"@[^\s:@]+:[A-Za-z0-9.\-\[\]:]+")
# A room id is `!opaque:server`, or from room version 12 on `!` and a hash with no server; an
# alias always names its server.
_ROOM = re.compile(
    r"#[^\s:#!]+:[A-Za-z0-9.\-\[\]:]+|![A-Za-z0-9_\-+/=.]+(?::[A-Za-z0-9.\-\[\]:]+)?"
)
_PILL = re.compile(r"https://matrix\.to/#/([@#!][^/?\s]+)")
_ACTIVITY_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)*")


class MatrixDialect:
    def words(self, text: str) -> Iterator[tuple[str, int]]:
        return ((m.group(), m.start()) for m in re.finditer(r"\S+", text))

    def list_items(self, text: str) -> list[str]:
        return re.findall(r"[^\s,]+", text)

    def person(self, word: str) -> str | None:
        return word if _PERSON.fullmatch(word) else None

    def looks_like_person(self, word: str) -> bool:
        return word.startswith("@")

    def channel(self, word: str) -> str | None:
        return word if _ROOM.fullmatch(word) else None

    def link(self, word: str) -> str:
        return word

    def plain(self, text: str) -> str:
        return text


MATRIX = MatrixDialect()


def parse(text: str) -> Command:
    """The command in the text after `!forvaltning`; raises only `DomainError`."""
    return parse_with(text, MATRIX)


class _Text(HTMLParser):
    """The text of an HTML body, a pill as the id it links, a line break as a space."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._pill_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append(" ")
        elif tag == "a":
            match = _PILL.match(dict(attrs).get("href") or "")
            if match:
                self.parts.append(unquote(match.group(1)))
                self._pill_depth += 1
            elif self._pill_depth:
                self._pill_depth += 1
        elif tag == "mx-reply":
            self._pill_depth += 1  # a quoted reply is not part of what the person wrote

    def handle_endtag(self, tag: str) -> None:
        if tag in ("a", "mx-reply") and self._pill_depth:
            self._pill_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._pill_depth:
            self.parts.append(data)


def _written(body: str, formatted_body: str | None) -> str:
    """What the person wrote, pills as ids, a quoted reply left out."""
    if formatted_body:
        reader = _Text()
        reader.feed(formatted_body)
        reader.close()
        return "".join(reader.parts).strip()
    # A plain reply may quote what it answers first (`> …` lines, then a blank line).
    lines = body.split("\n")
    while lines and lines[0].startswith(">"):
        lines.pop(0)
    return "\n".join(lines).strip()


def command_text(body: str, formatted_body: str | None = None) -> str | None:
    """What follows `!forvaltning` in a message, pills as ids; None if it is no command."""
    head, _, rest = _written(body, formatted_body).partition(" ")
    if head.lower() != PREFIX:
        return None
    return rest.strip()


def reply_text(body: str, formatted_body: str | None = None) -> str:
    """A reply to a reminder, read as a command with or without `!forvaltning`: the numbered
    choice, an activity's number alone (`1.2`), means `klar 1.2`."""
    text = command_text(body, formatted_body)
    if text is None:
        text = _written(body, formatted_body)
    return f"klar {text}" if _ACTIVITY_NUMBER.fullmatch(text) else text
