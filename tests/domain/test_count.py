"""The count on seats: ersättare, jäv and förhinder, quorum, ties, and closing by itself."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.domain.count import Outcome, count, everyone_serving_voted
from bot.domain.seats import SteeringGroup
from bot.domain.voting import Choice
from tests.domain.meeting import KINDS, ballots, group, seating, seats_text

# G Godkänd, EG Ej godkänd, EB Ej beslutsför; "/ordf" when the chair's vote decided a tie.
OUTCOMES = {"G": Outcome.approved, "EG": Outcome.rejected, "EB": Outcome.no_quorum}

# id: (ledamöter, ersättare, chair, events, ballots, who serves in each seat, outcome)
TALLY_CASES: dict[str, tuple[str, str, str, str, str, str, str]] = {
    "plain-majority": ("a b c", "", "a", "", "a=Y b=Y", "a b c", "G"),
    "exactly-half-is-not-quorum": ("a b c d", "", "a", "", "a=Y b=Y", "a b c d", "EB"),
    "abstain-counts-for-quorum": ("a b c d e", "", "a", "", "a=A b=A c=Y", "a b c d e", "G"),
    "no-wins": ("a b c", "", "a", "", "a=Y b=N c=N", "a b c", "EG"),
    "jav-without-ersattare": ("a b c d e", "", "a", "b=D", "a=Y c=Y", "a - c d e", "EB"),
    "jav-with-ersattare": ("a b c d e", "x", "a", "b=D", "a=Y c=Y x=Y", "a x c d e", "G"),
    "jav-ballot-cast-before-ignored": ("a b c", "x", "a", "b=D", "b=N a=Y x=Y", "a x c", "G"),
    "four-of-five-javiga": ("a b c d e", "", "a", "b=D c=D d=D e=D", "a=Y", "a - - - -", "EB"),
    "everyone-javig": ("a b c", "x", "a", "a=D b=D c=D x=D", "a=Y x=Y", "- - -", "EB"),
    "forhinder-with-ersattare": ("a b c", "x y", "a", "c=F", "a=N b=Y x=Y", "a b x", "G"),
    "forhinder-without-ersattare": ("a b c", "", "a", "b=F c=F", "a=Y", "a - -", "EB"),
    "jav-and-forhinder-one-ersattare": ("a b c d", "x", "a", "b=D c=F", "a=Y x=Y", "a x - d", "EB"),
    "javig-ersattare-skipped": ("a b c", "x y", "a", "x=D b=D", "a=Y y=Y x=N", "a y c", "G"),
    "ersattare-ruled-javig-skipped": ("a b c", "x y", "a", "b=D x=J", "x=Y y=N a=N", "a y c", "EG"),
    "ersattare-with-forhinder-skipped": ("a b c", "x y", "a", "x=F b=D", "a=Y y=Y", "a y c", "G"),
    "ersattare-by-order-left": ("a b c d", "x y", "a", "d=D b=D", "a=Y x=Y y=N", "a y c x", "G"),
    "ersattare-leaving-keeps-others": ("a b c d", "x y z", "a", "b=D d=D x=D", "", "a z c y", "EB"),
    "ersattare-ruled-after-stepping-in": ("a b c", "x y", "a", "b=D x=P x=J", "y=Y", "a y c", "EB"),
    "ledamot-listed-as-ersattare": ("a b c", "b x", "a", "c=D", "a=Y b=N x=Y", "a b x", "G"),
    "jav-and-forhinder-same-member": ("a b c", "x y", "a", "b=F b=D", "a=Y x=Y", "a x c", "G"),
    "ersattare-not-called-ignored": ("a b c", "x y", "a", "", "a=N b=N x=Y y=Y", "a b c", "EG"),
    "strangers-ignored": ("a b c", "", "a", "", "z=Y w=Y a=N b=N", "a b c", "EG"),
    "raised-pending-suspends": ("a b c", "x", "a", "b=P", "a=N b=Y c=Y", "a ~b c", "EG/ordf"),
    "raised-ruled-javig": ("a b c", "x", "a", "b=J", "a=N b=Y c=Y x=N", "a x c", "EG"),
    "raised-ruled-not-javig": ("a b c", "x", "a", "b=N", "a=N b=Y c=Y", "a b c", "G"),
    "raised-on-ersattare": ("a b c", "x y", "a", "b=D x=P", "x=Y a=N c=Y", "a ~x c", "EG/ordf"),
    "raised-pending-no-quorum": ("a b c", "", "a", "b=P c=D", "a=Y b=Y", "a ~b -", "EB"),
    "tie-chair-for": ("a b c d", "", "a", "", "a=Y b=N c=A", "a b c d", "G/ordf"),
    "tie-chair-against": ("a b c d", "", "a", "", "a=N b=Y c=A", "a b c d", "EG/ordf"),
    "tie-chair-abstains": ("a b c d", "", "a", "", "a=A b=Y c=N", "a b c d", "EG"),
    "tie-chair-not-voted": ("a b c d", "", "a", "", "b=Y c=N d=A", "a b c d", "EG"),
    "tie-no-chair": ("a b c d", "", "", "", "a=Y b=N c=A", "a b c d", "EG"),
    "tie-chair-not-ledamot": ("a b c d", "z", "z", "", "a=Y b=N c=A z=Y", "a b c d", "EG"),
    "tie-javig-chair": ("a b c d e", "", "a", "a=D", "a=Y b=Y c=N d=A", "- b c d e", "EG"),
    "tie-javig-chair-ersattare": ("a b c d", "x", "a", "a=D", "x=Y b=N c=A", "x b c d", "EG"),
    "tie-chair-pending": ("a b c d", "", "a", "a=P", "a=Y b=Y c=N d=A", "~a b c d", "EG"),
    "tie-chair-forhinder": ("a b c d", "x", "a", "a=F", "x=Y b=N c=A", "x b c d", "EG"),
    "tie-chair-ruled-not-javig": ("a b c d", "", "a", "a=N", "a=Y b=N c=A", "a b c d", "G/ordf"),
    "everyone-abstains": ("a b c", "", "a", "", "a=A b=A c=A", "a b c", "EG"),
    "no-members": ("", "x", "", "", "x=Y", "", "EB"),
}


@pytest.mark.parametrize(
    ("members", "subs", "chair", "events", "cast", "seats", "outcome"),
    TALLY_CASES.values(),
    ids=TALLY_CASES.keys(),
)
def test_count(
    members: str,
    subs: str,
    chair: str,
    events: str,
    cast: str,
    seats: str,
    outcome: str,
) -> None:
    s = seating(group(members, subs, chair or None), events)
    result = count(ballots(cast), s)
    assert seats_text(s) == seats
    assert result.outcome is OUTCOMES[outcome.removesuffix("/ordf")]
    assert result.decided_by_chair is outcome.endswith("/ordf")
    # Jäv and förhinder never take a seat away, so neither do they lower the quorum.
    assert result.seats == len(members.split())
    assert result.quorum_needed == len(members.split()) // 2 + 1
    assert result.quorum_reached is (result.outcome is not Outcome.no_quorum)


def test_count_names_who_voted_what_and_who_waits() -> None:
    s = seating(group("a b c d e", "x", "a"), "b=D c=P e=D")
    result = count(ballots("a=Y x=N c=Y d=A"), s)
    assert (result.yes, result.no, result.abstain) == (("a",), ("x",), ("d",))
    assert result.suspended == ("c",)
    assert result.empty == ("e",)
    assert result.not_voted == ()
    assert result.voted == 3
    assert s.substitutions == (("x", "b"),)


# id: (ledamöter, ersättare, events, ballots, closes by itself)
CLOSE_CASES: dict[str, tuple[str, str, str, str, bool]] = {
    "all-voted": ("a b c", "", "", "a=Y b=N c=A", True),
    "one-missing": ("a b c", "", "", "a=Y b=N", False),
    "ersattare-must-vote-too": ("a b c", "x", "b=D", "a=Y c=Y", False),
    "ersattare-voted": ("a b c", "x", "b=D", "a=Y c=Y x=N", True),
    "empty-seat-does-not-block": ("a b c", "", "b=D", "a=Y c=Y", True),
    "pending-jav-blocks": ("a b c", "", "b=P", "a=Y b=Y c=Y", False),
    "pending-jav-ruled": ("a b c", "", "b=N", "a=Y b=Y c=Y", True),
    "pending-on-uncalled-ersattare-blocks": ("a b c", "x", "x=P", "a=Y b=Y c=Y", False),
    "nobody-serving-never": ("a b", "", "a=D b=D", "a=Y b=Y", False),
    "no-members-never": ("", "", "", "", False),
    "not-called-ersattare-not-needed": ("a b", "x", "", "a=Y b=Y", True),
}


@pytest.mark.parametrize(
    ("members", "subs", "events", "cast", "closes"), CLOSE_CASES.values(), ids=CLOSE_CASES.keys()
)
def test_everyone_serving_voted(
    members: str, subs: str, events: str, cast: str, closes: bool
) -> None:
    assert everyone_serving_voted(ballots(cast), seating(group(members, subs), events)) is closes


# Properties over any steering group of up to 6 ledamöter and 3 ersättare drawn from 8 people.
PEOPLE = "abcdefgh"


@st.composite
def meetings(draw: st.DrawFn) -> tuple[SteeringGroup, str, dict[str, Choice]]:
    """A group, what happened (as `seating` reads it) and ballots, strangers' included."""
    order = draw(st.permutations(PEOPLE))
    n = draw(st.integers(0, 6))
    members, others = order[:n], order[n:]
    # Mostly people who are not ledamöter, as in life; now and then a ledamot listed too.
    subs = draw(st.lists(st.sampled_from(others), max_size=4, unique=True))
    subs += draw(st.lists(st.sampled_from(members), max_size=1)) if members else []
    g = SteeringGroup(tuple(members), tuple(subs), draw(st.sampled_from([None, *members])))
    # Events about the group's own people mostly; a stranger's now and then.
    concerned = st.sampled_from([*members, *subs]) if members or subs else st.sampled_from(order)
    people = st.one_of(concerned, concerned, concerned, st.sampled_from(order))
    events = draw(st.lists(st.tuples(people, st.sampled_from(KINDS)), max_size=10))
    cast = draw(st.dictionaries(st.sampled_from(PEOPLE + "z"), st.sampled_from(list(Choice))))
    return g, " ".join(f"{p}={k}" for p, k in events), cast


@given(meetings())
def test_seats_never_change_with_jav_or_forhinder(
    meeting: tuple[SteeringGroup, str, dict[str, Choice]],
) -> None:
    g, events, cast = meeting
    s = seating(g, events)
    assert tuple(seat.ledamot for seat in s.seats) == g.members
    assert count(cast, s).seats == len(g.members) == count(cast, seating(g)).seats
    # Nobody serves twice, and nobody jävig or with förhinder serves at all.
    assert len(set(s.serving)) == len(s.serving)
    assert not any(s.is_javig(p) or p in s.absent for p in s.serving)


@given(meetings(), st.sampled_from(PEOPLE + "z"), st.sampled_from([None, *Choice]))
def test_a_ballot_by_someone_not_serving_never_counts(
    meeting: tuple[SteeringGroup, str, dict[str, Choice]], who: str, choice: Choice | None
) -> None:
    g, events, cast = meeting
    s = seating(g, events)
    assume(who not in s.voters)
    changed = {k: v for k, v in cast.items() if k != who}
    if choice is not None:
        changed[who] = choice
    assert count(changed, s) == count(cast, s)


@given(meetings(), st.data())
def test_quorum_is_monotone_in_votes_cast(
    meeting: tuple[SteeringGroup, str, dict[str, Choice]], data: st.DataObject
) -> None:
    g, events, cast = meeting
    s = seating(g, events)
    yet_to_vote = [v for v in s.voters if v not in cast]
    assume(yet_to_vote)
    who = data.draw(st.sampled_from(yet_to_vote))
    before = count(cast, s)
    after = count({**cast, who: data.draw(st.sampled_from(list(Choice)))}, s)
    assert after.quorum_reached or not before.quorum_reached
    assert after.voted == before.voted + 1


@given(meetings(), st.sampled_from("DJF"), st.data())
@settings(max_examples=300)
def test_one_more_leaving_moves_nobody_else(
    meeting: tuple[SteeringGroup, str, dict[str, Choice]], kind: str, data: st.DataObject
) -> None:
    """Who serves for whom never shuffles: only the seat the one leaving held changes hands."""
    g, events, _ = meeting
    before = seating(g, events)
    # An ersättare serving, mostly: their leaving is what could move the others.
    stepped_in = [sub for sub, _ in before.substitutions]
    who = data.draw(st.sampled_from([*stepped_in * 4, *before.serving, *PEOPLE]))
    assume(who not in {event.split("=")[0] for event in events.split()})
    after = seating(g, f"{events} {who}={kind}")
    changed = [b.ledamot for b, a in zip(before.seats, after.seats, strict=True) if b != a]
    held = [seat.ledamot for seat in before.seats if seat.serving == who]
    assert changed == held
