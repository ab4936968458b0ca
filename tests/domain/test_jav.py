"""A jäv's ground, state and ruling."""

from __future__ import annotations

import pytest

from bot.domain.jav import JavGround, JavState, declare, parse_ground, raise_jav, rule
from tests.domain.meeting import LEAD, START, jav

G = JavGround


@pytest.mark.parametrize(
    ("typed", "ground"),
    [
        ("part", G.part),
        ("PART", G.part),
        ("Ombud", G.ombud),
        ("tidigare", G.tidigare),
        ("annat", G.annat),
        ("1", G.part),
        ("4", G.annat),
        ("party", G.part),
        ("agent", G.ombud),
        ("prior", G.tidigare),
        ("other", G.annat),
        (" annat ", G.annat),
        ("jävig", None),
        ("5", None),
        ("", None),
    ],
)
def test_parse_ground(typed: str, ground: JavGround | None) -> None:
    assert parse_ground(typed) is ground


def test_grounds_are_the_points_of_fl_16() -> None:
    assert [g.point for g in JavGround] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("kind", "state", "javig", "pending"),
    [
        ("D", JavState.declared, True, False),
        ("P", JavState.pending, False, True),
        ("J", JavState.javig, True, False),
        ("N", JavState.not_javig, False, False),
    ],
)
def test_state(kind: str, state: JavState, javig: bool, pending: bool) -> None:
    j = jav("b", kind)
    assert (j.state, j.javig, j.pending) == (state, javig, pending)


def test_jav_counts_from_the_declaration_or_the_ruling() -> None:
    declared = declare("b", None, "  ", START)
    assert declared.javig_since == START
    assert declared.motivation == ""
    raised = raise_jav("b", G.ombud, "ombud för leverantören", by="c", at=START)
    assert raised.javig_since is None
    later = START.replace(hour=10)
    assert rule(raised, javig=True, by="a", at=later).javig_since == later
    assert rule(raised, javig=False, by="a", at=later).javig_since is None


def test_a_ruling_records_who_and_when() -> None:
    raised = raise_jav("b", G.part, "äger aktier", by="c", at=START)
    ruled = rule(raised, javig=False, by="a", at=START)
    assert ruled.ruling is not None
    assert (ruled.ruling.by, ruled.ruling.at, ruled.raised_by) == ("a", START, "c")


def test_only_a_pending_jav_is_ruled() -> None:
    with pytest.raises(ValueError, match="declared"):
        rule(jav("b", "D"), javig=False, by=LEAD, at=START)
    with pytest.raises(ValueError, match="not_javig"):
        rule(jav("b", "N"), javig=True, by=LEAD, at=START)


def test_a_raised_jav_needs_a_motivation_and_another_person() -> None:
    with pytest.raises(ValueError, match="motivation"):
        raise_jav("b", G.part, "  ", by="c", at=START)
    with pytest.raises(ValueError, match="declaration"):
        raise_jav("b", G.part, "skäl", by="b", at=START)
