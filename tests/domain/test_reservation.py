"""Only those who voted against the outcome may reserve; nobody after no decision."""

from __future__ import annotations

import pytest

from bot.domain.count import Outcome, count
from bot.domain.reservation import may_reserve
from tests.domain.meeting import ballots, group, seating

# id: (events, ballots, final outcome if not the count's, who may reserve) in a group a b c d e
# with ersättare x and chair a
RESERVE_CASES: dict[str, tuple[str, str, Outcome | None, str]] = {
    "approved-no-voters": ("", "a=Y b=Y c=N d=A e=N", None, "c e"),
    "rejected-yes-voters": ("", "a=N b=N c=Y d=N", None, "c"),
    "rejected-by-chair-on-tie": ("", "a=N b=N c=Y d=Y e=A", None, "c d"),
    "rejected-tie-without-chair": ("", "a=A b=N c=Y d=A", None, "c"),
    "ersattare-who-voted-against": ("b=D", "a=Y x=N c=Y d=Y", None, "x"),
    "jav-ballot-is-not-taking-part": ("b=D", "a=Y b=N x=Y c=Y", None, ""),
    "suspended-ballot-is-not-taking-part": ("b=P", "a=Y b=N c=Y d=Y", None, ""),
    "no-quorum": ("", "a=Y b=N", None, ""),
    "referred-back": ("", "a=Y b=Y c=N d=N e=Y", Outcome.referred_back, ""),
}


@pytest.mark.parametrize(
    ("events", "cast", "final", "allowed"), RESERVE_CASES.values(), ids=RESERVE_CASES
)
def test_may_reserve(events: str, cast: str, final: Outcome | None, allowed: str) -> None:
    result = count(ballots(cast), seating(group("a b c d e", "x", "a"), events))
    outcome = final or result.outcome
    everyone = ["a", "b", "c", "d", "e", "x", "z"]
    assert [p for p in everyone if may_reserve(p, outcome, result)] == allowed.split()
