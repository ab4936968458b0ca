"""A justering request stands for a person until they justera, or until the record is corrected."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.justering import Justering

AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def test_a_request_stands_for_each_justerare_until_they_justera() -> None:
    j = Justering(vote_id=1, version=2, chair="UCHAIR", adjuster="UADJ")
    assert j.waits_for(2, "UCHAIR") and j.waits_for(2, "UADJ")
    done = Justering(vote_id=1, version=2, chair="UCHAIR", adjuster="UADJ", done=(("UADJ", AT),))
    assert done.waits_for(2, "UCHAIR")
    assert not done.waits_for(2, "UADJ")


def test_a_request_for_a_corrected_version_no_longer_stands() -> None:
    j = Justering(vote_id=1, version=3, chair="UCHAIR", adjuster="UADJ")
    assert not j.waits_for(2, "UCHAIR")


def test_nobody_else_is_asked() -> None:
    j = Justering(vote_id=1, version=1, chair="UCHAIR", adjuster="UADJ")
    assert not j.waits_for(1, "UOTHER")
