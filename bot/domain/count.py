"""Counting a vote on seats: beslutsförhet, the outcome, and when the vote closes by itself.

The second round's count; `bot.domain.voting.tally` is the first round's (its electorate shrinks
with jäv) and stays until the services move over. Ballots come in as each person's current
choice; only those of people whose ballot counts for a seat now (`Seating.voters`) are counted.

The rules
---------
- **Beslutsförhet** (quorum): more than half of the seats are taken by someone who voted;
  Avstår counts as having voted. With S seats, `S // 2 + 1` are needed. Jäv and förhinder never
  lower S: 5 ledamöter of whom 4 are jäviga, with no ersättare, is *Ej beslutsför*.
- With quorum, *Godkänd* if yes outnumbers no, *Ej godkänd* if no outnumbers yes (abstentions
  are not counted). On a tie the chair's vote decides, if the chair acts (serves in their own
  seat with no jäv, see `Seating.acting_chair`) and voted yes or no. A tie without the chair's
  vote on either side is *Ej godkänd*: approval needs a majority for it.
- *Återremitterad* is never counted: the chair sets it, with a motivation (`Referral`).
- A ballot by someone not serving (an ersättare no seat needs, a jävig member, one with
  förhinder, a suspended member, a stranger) never counts.
- **Closes by itself** when everyone serving in a seat has voted and no jäv waits for a ruling;
  never when nobody serves, so such a vote closes at its deadline or by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.seats import Seating
from bot.domain.voting import Choice


class Outcome(StrEnum):
    """The decision: Godkänd, Ej godkänd, Ej beslutsför, Återremitterad.

    The first three values are `bot.domain.voting.Outcome`'s, so stored outcomes read the same.
    """

    approved = "approved"
    rejected = "rejected"
    no_quorum = "no_quorum"
    referred_back = "referred_back"


@dataclass(frozen=True, slots=True)
class Referral:
    """Återremiss: the chair ends the vote without a decision, and says why."""

    by: str
    motivation: str
    at: datetime

    @classmethod
    def stored(cls, data: Mapping[str, str] | None) -> Referral | None:
        """As the vote row keeps it (by, motivation, ISO time), or None."""
        if not data:
            return None
        return cls(data["by"], data["motivation"], datetime.fromisoformat(data["at"]))


@dataclass(frozen=True, slots=True)
class SeatTally:
    """The count. Name tuples are sorted so the record and messages are stable."""

    outcome: Outcome
    seats: int
    yes: tuple[str, ...]
    no: tuple[str, ...]
    abstain: tuple[str, ...]
    not_voted: tuple[str, ...]  # serving, vote counts, has not voted
    suspended: tuple[str, ...]  # serving, a raised jäv waits for a ruling
    empty: tuple[str, ...]  # ledamöter whose seat nobody takes
    quorum_needed: int
    quorum_reached: bool
    decided_by_chair: bool

    @property
    def voted(self) -> int:
        """How many seats are taken by someone who voted."""
        return len(self.yes) + len(self.no) + len(self.abstain)


def count(ballots: Mapping[str, Choice], seating: Seating) -> SeatTally:
    """Count the ballots of those whose vote counts for a seat, and decide the outcome."""
    voters = seating.voters
    counted = {v: Choice(ballots[v]) for v in voters if v in ballots}

    def names(choice: Choice) -> tuple[str, ...]:
        return tuple(sorted(v for v, c in counted.items() if c is choice))

    yes, no, abstain = names(Choice.yes), names(Choice.no), names(Choice.abstain)
    seats = len(seating.seats)
    quorum_needed = seats // 2 + 1
    # Each voter holds exactly one seat, so ballots counted are seats taken by someone who voted.
    quorum_reached = len(counted) >= quorum_needed

    decided_by_chair = False
    if not quorum_reached:
        outcome = Outcome.no_quorum
    elif len(yes) != len(no):
        outcome = Outcome.approved if len(yes) > len(no) else Outcome.rejected
    else:
        chair = seating.acting_chair
        chair_vote = counted.get(chair) if chair is not None else None
        decided_by_chair = chair_vote in (Choice.yes, Choice.no)
        outcome = Outcome.approved if chair_vote is Choice.yes else Outcome.rejected

    return SeatTally(
        outcome=outcome,
        seats=seats,
        yes=yes,
        no=no,
        abstain=abstain,
        not_voted=tuple(sorted(v for v in voters if v not in counted)),
        suspended=tuple(sorted(s.serving for s in seating.seats if s.suspended and s.serving)),
        empty=seating.empty,
        quorum_needed=quorum_needed,
        quorum_reached=quorum_reached,
        decided_by_chair=decided_by_chair,
    )


def everyone_serving_voted(ballots: Mapping[str, Choice], seating: Seating) -> bool:
    """True when the vote may close by itself: everyone serving has voted, no jäv waits."""
    serving = seating.serving
    return bool(serving) and not seating.waiting and all(s in ballots for s in serving)
