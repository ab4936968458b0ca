from __future__ import annotations

from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import DomainError, ErrorCode
from bot.domain.voting import (
    Choice,
    Electorate,
    Outcome,
    Tally,
    can_close,
    check_can_vote,
    everyone_voted,
    tally,
)

Y, N, A = Choice.yes, Choice.no, Choice.abstain


def electorate(members: str, chair: str | None = None, conflicts: str = "") -> Electorate:
    return Electorate(frozenset(members.split()), chair, frozenset(conflicts.split()))


def ballots(text: str) -> dict[str, Choice]:
    """`"a=Y b=N c=A"` → {"a": yes, "b": no, "c": abstain}: keeps the table one row a case."""
    letters = {"Y": Choice.yes, "N": Choice.no, "A": Choice.abstain}
    return {user: letters[choice] for user, choice in (b.split("=") for b in text.split())}


APPROVED, REJECTED, NO_QUORUM = Outcome.approved, Outcome.rejected, Outcome.no_quorum

TALLY_CASES: dict[str, tuple[str, str | None, str, str, Outcome, int, bool, bool]] = {
    # id: (members, chair, jäv, ballots, outcome, quorum_needed, quorum_reached, by_chair)
    "nobody-voted": ("a b c d", "a", "", "", NO_QUORUM, 3, False, False),
    "exactly-half-is-not-quorum": ("a b c d", "a", "", "a=Y b=Y", NO_QUORUM, 3, False, False),
    "quorum-met-yes-wins": ("a b c d", "a", "", "a=Y b=Y c=N", APPROVED, 3, True, False),
    "two-of-three-is-quorum": ("a b c", "a", "", "b=Y c=Y", APPROVED, 2, True, False),
    "no-wins-over-chair": ("a b c", "a", "", "a=Y b=N c=N", REJECTED, 2, True, False),
    "abstain-for-quorum-only": ("a b c d e", "a", "", "a=A b=A c=Y", APPROVED, 3, True, False),
    "tie-chair-for": ("a b c d", "a", "", "a=Y b=N c=A", APPROVED, 3, True, True),
    "tie-chair-against": ("a b c d", "a", "", "a=N b=Y c=A", REJECTED, 3, True, True),
    "tie-chair-abstains": ("a b c d", "a", "", "a=A b=Y c=N", REJECTED, 3, True, False),
    "tie-chair-not-voted": ("a b c d", "a", "", "b=Y c=N d=A", REJECTED, 3, True, False),
    "tie-chair-with-jav": ("a b c d e", "a", "a", "a=Y b=Y c=N d=A", REJECTED, 3, True, False),
    "tie-no-chair": ("a b c d", None, "", "a=Y b=N c=A", REJECTED, 3, True, False),
    "tie-chair-not-member": ("a b c d", "z", "", "a=Y b=N c=A z=Y", REJECTED, 3, True, False),
    "everyone-abstains": ("a b c", "a", "", "a=A b=A c=A", REJECTED, 2, True, False),
    "jav-lowers-quorum": ("a b c d", "a", "c d", "a=Y b=Y", APPROVED, 2, True, False),
    "jav-lowers-quorum-not-met": ("a b c d", "a", "c d", "a=Y", NO_QUORUM, 2, False, False),
    "jav-ballot-ignored": ("a b c d", "a", "b", "a=N b=N c=Y d=Y", APPROVED, 2, True, False),
    "strangers-ignored": ("a b c d", "a", "", "x=Y y=Y z=Y a=N b=N c=Y", REJECTED, 3, True, False),
    "all-members-jav": ("a b c", "a", "a b c", "a=Y b=Y", NO_QUORUM, 1, False, False),
    "no-members": ("", None, "", "x=Y", NO_QUORUM, 1, False, False),
}


@pytest.mark.parametrize(
    ("members", "chair", "conflicts", "cast", "outcome", "needed", "reached", "by_chair"),
    TALLY_CASES.values(),
    ids=TALLY_CASES.keys(),
)
def test_tally(
    members: str,
    chair: str | None,
    conflicts: str,
    cast: str,
    outcome: Outcome,
    needed: int,
    reached: bool,
    by_chair: bool,
) -> None:
    result = tally(ballots(cast), electorate(members, chair, conflicts))
    assert result.outcome is outcome
    assert result.quorum_needed == needed
    assert result.quorum_reached is reached
    assert result.decided_by_chair is by_chair


@pytest.mark.parametrize(
    ("members", "conflicts", "ballots", "expected"),
    [
        pytest.param(
            "d b a c",
            "c",
            {"d": Y, "a": Y, "x": N, "c": N, "b": A},
            Tally(
                outcome=Outcome.approved,
                yes=("a", "d"),
                no=(),
                abstain=("b",),
                not_voted=(),
                conflicts=("c",),
                quorum_needed=2,
                quorum_reached=True,
                decided_by_chair=False,
            ),
            id="names-sorted-jav-listed-strangers-dropped",
        ),
        pytest.param(
            "b a",
            "z",
            {},
            Tally(
                outcome=Outcome.no_quorum,
                yes=(),
                no=(),
                abstain=(),
                not_voted=("a", "b"),
                conflicts=(),
                quorum_needed=2,
                quorum_reached=False,
                decided_by_chair=False,
            ),
            id="jav-of-non-member-not-listed",
        ),
    ],
)
def test_tally_lists_names(
    members: str, conflicts: str, ballots: dict[str, Choice], expected: Tally
) -> None:
    assert tally(ballots, electorate(members, "a", conflicts)) == expected


def test_tally_accepts_stored_strings() -> None:
    """Storage may hand back the enum's value rather than the enum."""
    ballots: dict[str, Choice] = {"a": "yes", "b": "yes"}  # type: ignore[dict-item]
    assert tally(ballots, electorate("a b c")).yes == ("a", "b")


@pytest.mark.parametrize(
    ("members", "conflicts", "ballots", "expected"),
    [
        pytest.param("a b c", "", {"a": Y, "b": N, "c": A}, True, id="all-voted"),
        pytest.param("a b c", "", {"a": Y, "b": N}, False, id="one-missing"),
        pytest.param("a b c", "c", {"a": Y, "b": N}, True, id="jav-member-not-awaited"),
        pytest.param("a b", "", {"a": Y, "x": N}, False, id="stranger-does-not-fill-in"),
        pytest.param("a b", "a b", {}, False, id="all-jav"),
        pytest.param("", "", {}, False, id="no-members"),
    ],
)
def test_everyone_voted(
    members: str, conflicts: str, ballots: dict[str, Choice], expected: bool
) -> None:
    assert everyone_voted(ballots, electorate(members, None, conflicts)) is expected


@pytest.mark.parametrize(
    ("user", "conflicts", "is_open", "error"),
    [
        pytest.param("a", "", True, None, id="member-open"),
        pytest.param("x", "", True, ErrorCode.NOT_A_MEMBER, id="non-member"),
        pytest.param("x", "", False, ErrorCode.NOT_A_MEMBER, id="non-member-closed"),
        pytest.param("b", "b", True, ErrorCode.CONFLICT_DECLARED, id="jav"),
        pytest.param("b", "b", False, ErrorCode.CONFLICT_DECLARED, id="jav-closed"),
        pytest.param("a", "", False, ErrorCode.VOTE_CLOSED, id="closed"),
    ],
)
def test_check_can_vote(user: str, conflicts: str, is_open: bool, error: ErrorCode | None) -> None:
    voters = electorate("a b", "a", conflicts)
    if error is None:
        check_can_vote(user, voters, is_open)
        return
    with pytest.raises(DomainError) as raised:
        check_can_vote(user, voters, is_open)
    assert raised.value.code is error
    assert raised.value.params == {"user": user}


@pytest.mark.parametrize(
    ("user", "chair", "lead", "conflicts", "expected"),
    [
        pytest.param("c", "c", "p", "", True, id="chair"),
        pytest.param("p", "c", "p", "", False, id="lead-while-chair"),
        pytest.param("m", "c", "p", "", False, id="member"),
        pytest.param("p", None, "p", "", True, id="lead-without-chair"),
        pytest.param("m", None, "p", "", False, id="member-without-chair"),
        pytest.param("c", "c", "p", "c", False, id="chair-with-jav"),
        pytest.param("p", "c", "p", "c", True, id="lead-when-chair-has-jav"),
        pytest.param("p", None, "p", "p", False, id="lead-with-jav"),
        pytest.param("c", "c", "c", "", True, id="chair-is-lead"),
    ],
)
def test_can_close(user: str, chair: str | None, lead: str, conflicts: str, expected: bool) -> None:
    assert can_close(user, chair, lead, conflicts=frozenset(conflicts.split())) is expected


@pytest.mark.parametrize(
    ("members", "chair", "conflicts", "expected"),
    [
        pytest.param("a b", "a", "", "a", id="member-chair"),
        pytest.param("a b", "a", "a", None, id="chair-with-jav"),
        pytest.param("a b", "z", "", None, id="chair-not-member"),
        pytest.param("a b", None, "", None, id="no-chair"),
    ],
)
def test_acting_chair(
    members: str, chair: str | None, conflicts: str, expected: str | None
) -> None:
    assert electorate(members, chair, conflicts).acting_chair == expected


PEOPLE = st.sampled_from([f"u{i}" for i in range(8)])
SETS = st.frozensets(PEOPLE)
ELECTORATES = st.builds(Electorate, SETS, st.none() | PEOPLE, SETS)
BALLOTS = st.dictionaries(PEOPLE, st.sampled_from(Choice))


@given(ELECTORATES, BALLOTS)
def test_outcome_follows_the_majority(voters: Electorate, ballots: dict[str, Choice]) -> None:
    result = tally(ballots, voters)
    if result.outcome is Outcome.approved:
        assert result.quorum_reached
        assert len(result.yes) >= len(result.no)
    if result.outcome is Outcome.rejected:
        assert result.quorum_reached
        assert len(result.no) >= len(result.yes)
    if result.decided_by_chair:
        assert len(result.yes) == len(result.no)
        assert voters.chair in result.yes + result.no
    assert (result.outcome is Outcome.no_quorum) is not result.quorum_reached


@given(ELECTORATES, BALLOTS)
def test_every_eligible_member_counted_once(voters: Electorate, ballots: dict[str, Choice]) -> None:
    result = tally(ballots, voters)
    everyone = result.yes + result.no + result.abstain + result.not_voted
    assert len(everyone) == len(voters.eligible)
    assert set(everyone) == voters.eligible
    assert not set(result.conflicts) & voters.eligible


@given(ELECTORATES, BALLOTS, st.randoms(use_true_random=False))
def test_tally_ignores_ballot_order(
    voters: Electorate, ballots: dict[str, Choice], rng: Random
) -> None:
    items = list(ballots.items())
    rng.shuffle(items)
    assert tally(dict(items), voters) == tally(ballots, voters)


@given(ELECTORATES, BALLOTS)
def test_everyone_voted_means_no_one_left(voters: Electorate, ballots: dict[str, Choice]) -> None:
    result = tally(ballots, voters)
    assert everyone_voted(ballots, voters) is (bool(voters.eligible) and not result.not_voted)
