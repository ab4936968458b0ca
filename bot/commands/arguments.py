"""The words after the subcommand, and the typed values read from them.

Every refusal is a `DomainError` whose `usage` parameter is the `Subcommand` value, so the
message layer can show the usage line in the user's language. How a person, a channel or a link
is written is the platform's (`Dialect`); what may be typed where is the grammar's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import NoReturn
from urllib.parse import urlsplit

from bot.commands.command import Subcommand
from bot.commands.dialect import Dialect
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.text import TEXT_MAX, within

NAME_MAX = 120
URL_MAX = 2000
# Values echoed back in an error are clipped so the reply stays inside the platform's limits.
ECHO_MAX = 100
# ASCII digits only: `\d` would accept Arabic-Indic and other digits int() understands.
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


@dataclass(frozen=True)
class Word:
    text: str
    start: int


def echo(value: str) -> str:
    return value if len(value) <= ECHO_MAX else value[: ECHO_MAX - 1] + "…"


def dedupe(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


class Args:
    """The words after the subcommand, with access to the raw text from any word onwards."""

    def __init__(self, text: str, words: list[Word], usage: Subcommand, dialect: Dialect) -> None:
        self._text = text
        self.words = words
        self.usage = usage
        self.dialect = dialect

    def __len__(self) -> int:
        return len(self.words)

    def word(self, index: int, argument: str) -> str:
        if index >= len(self.words):
            self.missing(argument)
        return self.words[index].text

    def rest(self, index: int) -> str:
        """The text from word `index` to the end, as typed (line breaks kept), or ''."""
        if index >= len(self.words):
            return ""
        return self._text[self.words[index].start :].strip()

    def at_most(self, count: int) -> None:
        if len(self.words) > count:
            raise DomainError(
                ErrorCode.TOO_MANY_ARGUMENTS, value=echo(self.rest(count)), usage=self.usage.value
            )

    def missing(self, argument: str) -> NoReturn:
        raise DomainError(ErrorCode.MISSING_ARGUMENT, argument=argument, usage=self.usage.value)

    def refuse(self, code: ErrorCode, value: str) -> NoReturn:
        raise DomainError(code, value=echo(value), usage=self.usage.value)

    def text(self, index: int, limit: int = TEXT_MAX) -> str:
        """Free text from word `index` on, as the person typed it; '' if there is none."""
        return within(self.dialect.plain(self.rest(index)).strip(), limit)

    def optional_text(self, index: int) -> str | None:
        return self.text(index) or None

    def items(self, start: int) -> list[str]:
        """The words of a list of people or channels, from word `start` on."""
        return self.dialect.list_items(self.rest(start))

    def looks_like_person(self, word: str) -> bool:
        return self.dialect.looks_like_person(word)

    def person(self, word: str) -> str:
        found = self.dialect.person(word)
        if found is not None:
            return found
        if word.startswith("@") and len(word) > 1:
            self.refuse(ErrorCode.RAW_MENTION, word)
        self.refuse(ErrorCode.BAD_MENTION, word)

    def channel(self, word: str) -> str:
        found = self.dialect.channel(word)
        if found is None:
            self.refuse(ErrorCode.BAD_CHANNEL, word)
        return found

    def date(self, word: str) -> date:
        match = _DATE.fullmatch(word)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                pass
        self.refuse(ErrorCode.BAD_DATE, word)

    def url(self, word: str) -> str:
        url = within(self.dialect.link(word), URL_MAX)
        try:
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError:
            host = None
        else:
            if parts.scheme.lower() not in ("http", "https"):
                host = None
        # `|` would end a Slack link's target early; userinfo (`https://real.se@evil.example`)
        # makes a link read as going to one host while it goes to another.
        if not host or "@" in parts.netloc or any(ch.isspace() or ch in '<>"|' for ch in url):
            self.refuse(ErrorCode.BAD_URL, url)
        return url
