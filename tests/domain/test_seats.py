"""Who stands where in a vote, who closes it, who rules on a jäv and who may raise one."""

from __future__ import annotations

import pytest

from bot.domain.seats import Standing, may_close, may_raise, ruler
from tests.domain.meeting import LEAD, group, jav, seating

S = Standing

# id: (events, person, standing) in a group of ledamöter a b c, ersättare x y, chair a
STANDING_CASES: dict[str, tuple[str, str, Standing]] = {
    "ledamot": ("", "b", S.serving),
    "ersattare-not-called": ("", "x", S.not_called),
    "ersattare-called": ("b=D", "x", S.serving),
    "second-ersattare-not-called": ("b=D", "y", S.not_called),
    "declared": ("b=D", "b", S.javig),
    "ruled-javig": ("b=J", "b", S.javig),
    "ruled-not-javig": ("b=N", "b", S.serving),
    "pending": ("b=P", "b", S.suspended),
    "pending-ersattare-called": ("b=D x=P", "x", S.suspended),
    "javig-ersattare": ("x=D", "x", S.javig),
    "forhinder": ("c=F", "c", S.absent),
    "stranger": ("", "z", S.outside),
    "projektledare": ("", LEAD, S.outside),
}


@pytest.mark.parametrize(
    ("events", "person", "standing"), STANDING_CASES.values(), ids=STANDING_CASES.keys()
)
def test_standing(events: str, person: str, standing: Standing) -> None:
    assert seating(group("a b c", "x y", "a"), events).standing(person) is standing


def test_seating_says_who_serves_for_whom_and_who_waits() -> None:
    s = seating(group("a b c d", "x y", "a"), "d=F b=D c=P")
    assert s.serving == ("a", "y", "c", "x")
    assert s.voters == ("a", "y", "x")
    assert s.substitutions == (("y", "b"), ("x", "d"))
    assert s.waiting == ("c",)
    assert s.empty == ()


def test_jav_and_forhinder_of_strangers_are_ignored() -> None:
    s = seating(group("a b", "x", "a"), "z=D w=F q=P")
    assert s.serving == ("a", "b")
    assert s.waiting == ()


# id: (chair, events, who may close): the projektledare is "pl", ledamöter a b c
CLOSE_CASES: dict[str, tuple[str, str, str]] = {
    "chair": ("a", "", "a"),
    "no-chair": ("", "", LEAD),
    "chair-javig": ("a", "a=D", LEAD),
    "chair-ruled-javig": ("a", "a=J", LEAD),
    "chair-pending": ("a", "a=P", LEAD),
    "chair-ruled-not-javig": ("a", "a=N", "a"),
    "chair-forhinder": ("a", "a=F", LEAD),
    "chair-not-ledamot": ("z", "", LEAD),
    "projektledare-ledamot-and-javig": ("", f"{LEAD}=D", ""),
    "projektledare-ledamot-and-pending": ("", f"{LEAD}=P", ""),
    "chair-pending-projektledare-ruled-not-javig": ("a", f"a=P {LEAD}=N", LEAD),
}


@pytest.mark.parametrize(("chair", "events", "closer"), CLOSE_CASES.values(), ids=CLOSE_CASES)
def test_may_close(chair: str, events: str, closer: str) -> None:
    s = seating(group(f"a b c {LEAD}", "x", chair or None), events)
    for person in ("a", "b", "x", LEAD, "z"):
        assert may_close(person, s, LEAD) is (person == closer), person


# id: (chair, events, about whom the jäv is raised, who rules or "" for nobody)
RULER_CASES: dict[str, tuple[str, str, str, str]] = {
    "chair-rules": ("a", "", "b", "a"),
    "chair-concerned": ("a", "", "a", LEAD),
    "no-chair": ("", "", "b", LEAD),
    "chair-javig": ("a", "a=D", "b", LEAD),
    "chair-pending": ("a", "a=P", "b", LEAD),
    "chair-forhinder": ("a", "a=F", "b", LEAD),
    "about-an-ersattare": ("a", "b=D", "x", "a"),
    "projektledare-is-chair-and-concerned": (LEAD, "", LEAD, ""),
    "projektledare-javig-chair-cannot-act": ("a", f"a=D {LEAD}=D", "b", ""),
    "both-pending-nobody": ("a", f"a=P {LEAD}=P", "a", ""),
    "projektledare-pending-chair-rules-it": ("a", f"{LEAD}=P", LEAD, "a"),
}


@pytest.mark.parametrize(
    ("chair", "events", "member", "who"), RULER_CASES.values(), ids=RULER_CASES
)
def test_ruler(chair: str, events: str, member: str, who: str) -> None:
    s = seating(group(f"a b c {LEAD}", "x", chair or None), events)
    assert ruler(jav(member, "P"), s, LEAD) == (who or None)


# id: (events, who raises, about whom, allowed) in a group a b c, ersättare x y, chair a
RAISE_CASES: dict[str, tuple[str, str, str, bool]] = {
    "ledamot-about-ledamot": ("", "b", "c", True),
    "ledamot-about-chair": ("", "b", "a", True),
    "ledamot-about-ersattare": ("", "b", "x", True),
    "javig-ledamot-still-a-ledamot": ("b=D", "b", "c", True),
    "projektledare": ("", LEAD, "b", True),
    "serving-ersattare": ("b=D", "x", "c", True),
    "ersattare-not-serving": ("", "x", "c", False),
    "stranger": ("", "z", "c", False),
    "about-oneself-is-declaring": ("", "b", "b", False),
    "about-a-stranger": ("", "b", "z", False),
    "already-pending": ("c=P", "b", "c", False),
    "already-ruled": ("c=N", "b", "c", False),
    "already-declared": ("c=D", "b", "c", False),
}


@pytest.mark.parametrize(("events", "by", "member", "ok"), RAISE_CASES.values(), ids=RAISE_CASES)
def test_may_raise(events: str, by: str, member: str, ok: bool) -> None:
    assert may_raise(by, member, seating(group("a b c", "x y", "a"), events), LEAD) is ok
