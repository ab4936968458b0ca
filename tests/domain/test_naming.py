from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.domain.errors import DomainError, ErrorCode
from bot.domain.naming import normalize, resolve, resolve_key


@dataclass(frozen=True)
class Act:
    number: str
    key: str


ACTIVITIES = (
    Act("1", "forvaltningsorganisation"),
    Act("1.1", "nyttorealiseringsplan"),
    Act("1.2", "driftavtal"),
    Act("1.3", "forvaltningsplan"),
    Act("2", "overlamning"),
    Act("3", "aterstaende-arbete"),
    Act("4", "slutrapport"),
)
DOCUMENTS = (
    "forvaltningsplan",
    "samverkansavtal",
    "driftplan",
    "effekthemtagningsplan",
    "slutrapport",
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pågår", "pagar"),
        ("HJÄLP", "hjalp"),
        ("Förvaltningsplan", "forvaltningsplan"),
        ("  två\u00a0\tord \n här ", "tva ord har"),
        ("Straße", "strasse"),
        ("", ""),
        ("1.2", "1.2"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("1", "1"),
        ("1.2", "1.2"),
        (" 1.3 ", "1.3"),
        ("driftavtal", "1.2"),
        ("DRIFTAVTAL", "1.2"),
        ("Förvaltningsplan", "1.3"),
        ("FÖRVALTNINGSORGANISATION", "1"),
        ("Överlämning", "2"),
        ("återstående-arbete", "3"),
        ("Aterstaende_Arbete", "3"),
    ],
)
def test_resolve_finds_by_number_or_key(name: str, number: str) -> None:
    assert resolve(name, ACTIVITIES).number == number


def test_resolve_returns_the_candidate_itself() -> None:
    assert resolve("driftavtal", ACTIVITIES) is ACTIVITIES[2]


@pytest.mark.parametrize(
    ("name", "first_suggestion"),
    [
        ("driftavtl", "1.2 driftavtal"),
        ("forvaltningsplanen", "1.3 forvaltningsplan"),
        ("slutrapprt", "4 slutrapport"),
        ("1.4", None),
    ],
)
def test_resolve_unknown_suggests_closest(name: str, first_suggestion: str | None) -> None:
    with pytest.raises(DomainError) as caught:
        resolve(name, ACTIVITIES)
    error = caught.value
    assert error.code is ErrorCode.UNKNOWN_ACTIVITY
    assert error.params["value"] == name
    suggestions = error.params["suggestions"].split(", ")
    assert 1 <= len(suggestions) <= 3
    if first_suggestion is not None:
        assert suggestions[0] == first_suggestion
    labels = {f"{a.number} {a.key}" for a in ACTIVITIES}
    assert set(suggestions) <= labels


def test_resolve_number_is_not_matched_loosely() -> None:
    with pytest.raises(DomainError) as caught:
        resolve("1.20", ACTIVITIES)
    assert caught.value.code is ErrorCode.UNKNOWN_ACTIVITY


def test_resolve_with_no_candidates() -> None:
    with pytest.raises(DomainError) as caught:
        resolve("1", ())
    assert caught.value.params == {"value": "1", "suggestions": ""}


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("driftplan", "driftplan"),
        ("DRIFTPLAN", "driftplan"),
        ("Förvaltningsplan", "forvaltningsplan"),
        ("  Effekthemtagningsplan ", "effekthemtagningsplan"),
    ],
)
def test_resolve_key(name: str, key: str) -> None:
    assert resolve_key(name, DOCUMENTS) == key


def test_resolve_key_unknown_suggests_closest() -> None:
    with pytest.raises(DomainError) as caught:
        resolve_key("driftsplan", DOCUMENTS)
    error = caught.value
    assert error.code is ErrorCode.UNKNOWN_DOCUMENT
    assert error.params["value"] == "driftsplan"
    suggestions = error.params["suggestions"].split(", ")
    assert suggestions[0] == "driftplan"
    assert len(suggestions) <= 3


def test_resolve_key_uses_the_given_code() -> None:
    with pytest.raises(DomainError) as caught:
        resolve_key("x", ("a",), ErrorCode.UNKNOWN_ACTIVITY)
    assert caught.value.code is ErrorCode.UNKNOWN_ACTIVITY
