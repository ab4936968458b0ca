"""The steering group's vote at a milestone: who may vote, when it closes, what it decided.

Pure rules: the ballots come in as a mapping from member to their current choice (history and
"one current vote per member" are storage's business), and the result is a `Tally` the services
store in the decision record and the messages render.

The rules
---------
- Only ledamöter vote. A member who declares jäv does not vote and does not count for quorum:
  the eligible electorate is the members minus those with jäv.
- Quorum (beslutsförhet): more than half of the eligible members have voted. Abstaining
  (Avstår) counts as having voted. With N eligible members, `N // 2 + 1` ballots are needed, so
  exactly half is not enough (2 of 4 is no quorum; 3 of 4 is).
- With quorum, abstentions are not counted: *Godkänd* if yes outnumbers no, *Ej godkänd* if no
  outnumbers yes. Without quorum the outcome is *Ej beslutsför*, whatever the ballots say.
- A tie is decided by the chair's own vote: the chair voted yes → *Godkänd*, the chair voted
  no → *Ej godkänd*. Only then is the decision recorded as decided by the chair.

Corner cases, decided
---------------------
- **The chair abstains, or has not voted, on a tie**: there is no casting vote, so the proposal
  is *Ej godkänd*. Approval requires a majority for it; a public-sector body that cannot show
  one has not decided to approve, and the safe reading is that the proposal falls.
- **Everyone abstains**: that is a 0–0 tie with the chair abstaining, so the same rule applies:
  *Ej godkänd* (provided quorum is reached, which it is, since abstaining counts as voting).
- **The chair has declared jäv**: the chair is not eligible, does not count for quorum, and
  their ballot (if one was cast before the declaration) is ignored. On a tie there is no casting
  vote and the proposal is *Ej godkänd*. A chair with jäv may not take part in the matter
  (förvaltningslagen 16–17 §§), so they may not close the vote either; the projektledare closes
  it instead, as when there is no chair. The same holds for a chair who is not a ledamot.
- **No chair at all**: a tie is *Ej godkänd*; the projektledare closes the vote.
- **The projektledare has declared jäv** (as a member): they may not close the vote either; if
  the chair cannot close it, it closes when everyone has voted or at the deadline.
- **Every member has declared jäv (or there are no members)**: nobody is eligible, so quorum
  cannot be reached and the outcome is *Ej beslutsför*. "Everyone has voted" is never true of an
  empty electorate, so such a vote closes at the deadline or when someone allowed to close it
  does.
- **A member declares jäv after voting**: the earlier ballot no longer counts; the tally is
  always computed from the current electorate.
- **Ballots from people who are not members** (a member removed after voting, a stale button)
  are ignored rather than rejected, so one bad row cannot make a tally impossible.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.errors import DomainError, ErrorCode


class Choice(StrEnum):
    """A ballot; the buttons read Godkänn, Avslå, Avstår."""

    yes = "yes"
    no = "no"
    abstain = "abstain"


class Outcome(StrEnum):
    """The decision; shown as Godkänd, Ej godkänd, Ej beslutsför."""

    approved = "approved"
    rejected = "rejected"
    no_quorum = "no_quorum"


class CloseReason(StrEnum):
    deadline = "deadline"
    all_voted = "all_voted"
    chair = "chair"
    referred_back = "referred_back"  # återremiss: the chair ended the vote without a decision


@dataclass(frozen=True, slots=True)
class Electorate:
    """The steering group as it stands for this vote. `conflicts` are the members with jäv."""

    members: frozenset[str]
    chair: str | None
    conflicts: frozenset[str]

    @property
    def eligible(self) -> frozenset[str]:
        return self.members - self.conflicts

    @property
    def acting_chair(self) -> str | None:
        """The chair if they may act in this vote: a member without jäv; otherwise None."""
        if self.chair is not None and self.chair in self.eligible:
            return self.chair
        return None


@dataclass(frozen=True, slots=True)
class Tally:
    """The result of counting. Name tuples are sorted so the record and messages are stable."""

    outcome: Outcome
    yes: tuple[str, ...]
    no: tuple[str, ...]
    abstain: tuple[str, ...]
    not_voted: tuple[str, ...]
    conflicts: tuple[str, ...]
    quorum_needed: int
    quorum_reached: bool
    decided_by_chair: bool


def tally(ballots: Mapping[str, Choice], electorate: Electorate) -> Tally:
    """Count the current ballots of the eligible members and decide the outcome."""
    eligible = electorate.eligible
    # Filtering here rather than trusting the caller keeps a stale ballot (removed member, jäv
    # declared after voting) from ever reaching the record.
    counted = {user: Choice(choice) for user, choice in ballots.items() if user in eligible}

    def names(choice: Choice) -> tuple[str, ...]:
        return tuple(sorted(user for user, c in counted.items() if c == choice))

    yes, no, abstain = names(Choice.yes), names(Choice.no), names(Choice.abstain)
    quorum_needed = len(eligible) // 2 + 1
    quorum_reached = len(counted) >= quorum_needed

    decided_by_chair = False
    if not quorum_reached:
        outcome = Outcome.no_quorum
    elif len(yes) > len(no):
        outcome = Outcome.approved
    elif len(no) > len(yes):
        outcome = Outcome.rejected
    else:
        chair = electorate.acting_chair
        chair_vote = counted.get(chair) if chair is not None else None
        if chair_vote == Choice.yes:
            outcome, decided_by_chair = Outcome.approved, True
        elif chair_vote == Choice.no:
            outcome, decided_by_chair = Outcome.rejected, True
        else:
            # No casting vote: approval needs a majority for, so the proposal falls.
            outcome = Outcome.rejected

    return Tally(
        outcome=outcome,
        yes=yes,
        no=no,
        abstain=abstain,
        not_voted=tuple(sorted(eligible - counted.keys())),
        conflicts=tuple(sorted(electorate.members & electorate.conflicts)),
        quorum_needed=quorum_needed,
        quorum_reached=quorum_reached,
        decided_by_chair=decided_by_chair,
    )


def everyone_voted(ballots: Mapping[str, Choice], electorate: Electorate) -> bool:
    """True when every eligible member has a current ballot; never for an empty electorate."""
    eligible = electorate.eligible
    return bool(eligible) and eligible <= ballots.keys()


def check_can_vote(user: str, electorate: Electorate, is_open: bool) -> None:
    """Raise the reason `user` may not vote now, if there is one.

    Who you are is checked before whether the vote is open, so a non-member clicking a stale
    button learns that they never had a vote rather than that they came too late.
    """
    if user not in electorate.members:
        raise DomainError(ErrorCode.NOT_A_MEMBER, user=user)
    if user in electorate.conflicts:
        raise DomainError(ErrorCode.CONFLICT_DECLARED, user=user)
    if not is_open:
        raise DomainError(ErrorCode.VOTE_CLOSED, user=user)


def can_close(
    user: str,
    chair: str | None,
    project_lead: str,
    *,
    conflicts: frozenset[str] = frozenset(),
) -> bool:
    """The chair closes the vote; the projektledare only when there is no chair.

    Call it with `electorate.acting_chair` and `electorate.conflicts`: a chair with jäv (or no
    longer a member) then counts as no chair, and nobody with jäv closes the vote, since closing
    early can change the outcome and a person with jäv may not take part in the matter.
    """
    if user in conflicts:
        return False
    if chair is not None and chair not in conflicts:
        return user == chair
    return user == project_lead
