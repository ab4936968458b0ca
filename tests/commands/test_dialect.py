"""The grammar reads any platform's forms through its dialect: here one written like Matrix's."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from bot.commands import Command, NewProject, SetChannels, SetOwner, SetSteering, parse
from bot.domain.errors import DomainError, ErrorCode

PERSON = re.compile(r"@[^\s:]+:\S+")
ROOM = re.compile(r"[#!][^\s:]+:\S+")


class MatrixLike:
    """People as `@anna:example.org`, rooms as `#room:example.org` or `!id:example.org`, links
    bare, nothing escaped."""

    def words(self, text: str) -> Iterator[tuple[str, int]]:
        return ((m.group(), m.start()) for m in re.finditer(r"\S+", text))

    def list_items(self, text: str) -> list[str]:
        return re.findall(r"[^\s,]+", text)

    def person(self, word: str) -> str | None:
        return word if PERSON.fullmatch(word) else None

    def looks_like_person(self, word: str) -> bool:
        return word.startswith("@")

    def channel(self, word: str) -> str | None:
        return word if ROOM.fullmatch(word) else None

    def link(self, word: str) -> str:
        return word

    def plain(self, text: str) -> str:
        return text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ansvarig 1.2 @anna:example.org", SetOwner("1.2", "@anna:example.org")),
        ("owner @anna:example.org 1.2", SetOwner("1.2", "@anna:example.org")),
        ("styrgrupp @a:x.se, @b:x.se @a:x.se", SetSteering(("@a:x.se", "@b:x.se"))),
        ("kanaler #styrgrupp:x.se !Abc:x.se", SetChannels(("#styrgrupp:x.se", "!Abc:x.se"))),
        ("nytt Räddning &amp; co", NewProject("Räddning &amp; co")),
    ],
)
def test_a_dialect_brings_its_own_forms(text: str, expected: Command) -> None:
    assert parse(text, MatrixLike()) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("ansvarig 1.2 @anna", ErrorCode.RAW_MENTION),
        ("ansvarig 1.2 <@U0ANNA|anna>", ErrorCode.BAD_MENTION),
        ("kanaler <#C0GEN|allmant>", ErrorCode.BAD_CHANNEL),
    ],
)
def test_another_platforms_forms_are_refused(text: str, code: ErrorCode) -> None:
    with pytest.raises(DomainError) as caught:
        parse(text, MatrixLike())
    assert caught.value.code is code
