"""The steering group's seats in one vote, and who serves in each (Kommunallagen's practice).

The steering group has as many seats as ledamöter; jäv and förhinder never remove a seat, they
only change who (if anyone) takes it. `serving(...)` is a pure function of the group and the
jäv and förhinder recorded so far, so a service recomputes it after every change and the vote
message, the count and the record agree.

The rules
---------
- A ledamot without jäv or förhinder serves in their own seat.
- For each ledamot who is jävig (declared, or ruled Jävig) or has förhinder, the next ersättare
  in turn order steps in, skipping one who is jävig, has förhinder, or is already serving. An
  ersättare who becomes jävig or has förhinder after stepping in leaves the seat to the next.
  Seats are filled in the order people left (ties in seat order), so an ersättare keeps the
  seat they stepped into: who serves for whom never shuffles. A seat nobody can take stays
  empty.
- A raised jäv waiting for a ruling leaves the member where they are (in their seat, or called
  in as an ersättare) with their vote suspended: it does not count, and the vote does not close
  by itself while it waits. Ruled Jävig, the next ersättare steps in; ruled Inte jävig, the vote
  counts again.
- An ersättare who is also a ledamot is never called in for another seat: a ledamot who may
  take part already serves in their own.
- The chair acts (casts the deciding vote on a tie, closes, rules on jäv) only while serving in
  their own seat with no jäv, pending or ruled. An ersättare in the chair's seat votes but does
  not become chair. When the chair cannot act, the projektledare closes and rules, unless they
  are jävig themselves or a jäv about them waits; then the vote closes at its deadline.
- Jäv and förhinder of people outside the steering group are ignored, so one stray row cannot
  make the seats impossible to compute.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.errors import DomainError, ErrorCode
from bot.domain.jav import Jav


@dataclass(frozen=True, slots=True)
class SteeringGroup:
    """Ledamöter in seat order, ersättare in turn order, and the chair (a ledamot, or None)."""

    members: tuple[str, ...]
    substitutes: tuple[str, ...] = ()
    chair: str | None = None

    @property
    def seats(self) -> tuple[str, ...]:
        """One seat per ledamot, in order; a name listed twice holds one seat."""
        return tuple(dict.fromkeys(self.members))

    def __contains__(self, user: object) -> bool:
        return user in self.members or user in self.substitutes


@dataclass(frozen=True, slots=True)
class Forhinder:
    """A ledamot (or ersättare) who cannot take part in this vote."""

    member: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Seat:
    ledamot: str
    serving: str | None  # the ledamot, an ersättare in their place, or nobody
    suspended: bool = False  # the one serving has a raised jäv waiting for a ruling

    @property
    def substitute(self) -> str | None:
        """The ersättare serving for the ledamot, if one is."""
        return self.serving if self.serving not in (None, self.ledamot) else None

    @property
    def voter(self) -> str | None:
        """Whose ballot counts for this seat: the one serving, unless suspended."""
        return None if self.suspended else self.serving


class Standing(StrEnum):
    """Where a person stands in this vote; services turn all but `serving` into a refusal."""

    serving = "serving"  # takes a seat and votes
    suspended = "suspended"  # takes a seat, but a raised jäv waits for a ruling
    javig = "javig"  # declared or ruled jävig
    absent = "absent"  # förhinder
    not_called = "not_called"  # an ersättare no seat needs
    outside = "outside"  # neither ledamot nor ersättare


@dataclass(frozen=True, slots=True)
class Seating:
    """Who serves where in one vote, with the jäv and förhinder it was computed from."""

    group: SteeringGroup
    seats: tuple[Seat, ...]
    javs: Mapping[str, Jav]  # the current jäv question of each member of the group
    absent: frozenset[str]

    @property
    def serving(self) -> tuple[str, ...]:
        return tuple(s.serving for s in self.seats if s.serving is not None)

    @property
    def voters(self) -> tuple[str, ...]:
        """Those whose ballot counts now, in seat order."""
        return tuple(s.voter for s in self.seats if s.voter is not None)

    @property
    def empty(self) -> tuple[str, ...]:
        """The ledamöter whose seat nobody takes."""
        return tuple(s.ledamot for s in self.seats if s.serving is None)

    @property
    def substitutions(self) -> tuple[tuple[str, str], ...]:
        """(ersättare, ledamot) for each ersättare serving, in seat order: who serves for whom."""
        return tuple((s.substitute, s.ledamot) for s in self.seats if s.substitute is not None)

    @property
    def waiting(self) -> tuple[str, ...]:
        """Members of the group whose raised jäv waits for a ruling, sorted."""
        return tuple(sorted(m for m, j in self.javs.items() if j.pending))

    @property
    def acting_chair(self) -> str | None:
        """The chair if they may act: serving in their own seat, with no jäv pending or ruled."""
        chair = self.group.chair
        for seat in self.seats:
            if seat.ledamot == chair and seat.voter == chair:
                return chair
        return None

    def is_javig(self, user: str) -> bool:
        jav = self.javs.get(user)
        return jav is not None and jav.javig

    def in_question(self, user: str) -> bool:
        """Jävig, or a jäv about them waits for a ruling: either way they do not lead the vote."""
        jav = self.javs.get(user)
        return jav is not None and (jav.javig or jav.pending)

    def standing(self, user: str) -> Standing:
        for seat in self.seats:
            if seat.serving == user:
                return Standing.suspended if seat.suspended else Standing.serving
        if user not in self.group:
            return Standing.outside
        if self.is_javig(user):
            return Standing.javig
        if user in self.absent:
            return Standing.absent
        return Standing.not_called


def serving(
    group: SteeringGroup, javs: Iterable[Jav] = (), forhinder: Iterable[Forhinder] = ()
) -> Seating:
    """Who serves in each seat, given the jäv and förhinder so far (a later jäv of a member
    replaces an earlier one)."""
    current = {j.member: j for j in javs if j.member in group}
    absent_since: dict[str, datetime] = {}
    for f in forhinder:
        if f.member in group:
            absent_since[f.member] = min(f.at, absent_since.get(f.member, f.at))

    def left_at(member: str) -> datetime | None:
        jav = current.get(member)
        since = (jav.javig_since if jav else None, absent_since.get(member))
        times = [t for t in since if t is not None]
        return min(times) if times else None

    seats = group.seats
    substitutes = [s for s in dict.fromkeys(group.substitutes) if s not in seats]
    # Replayed in the order people left, so an ersättare keeps the seat they were called into
    # until they leave it themselves, whatever happens to the other seats after.
    order = {member: rank for rank, member in enumerate([*seats, *substitutes])}
    leaving = sorted(
        (t, order[member], member) for member in order if (t := left_at(member)) is not None
    )
    holder: dict[str, str | None] = {member: member for member in seats}  # seat -> who holds it
    called = iter(substitutes)
    for t, _, member in leaving:
        place = next((seat for seat, who in holder.items() if who == member), None)
        if place is None:
            continue  # an ersättare not called in: skipped when their turn comes
        # Leaving is for good, so one who has left by now is passed over once and for all.
        holder[place] = next((c for c in called if not _left_by(left_at(c), t)), None)

    def taken(seat: str) -> Seat:
        who = holder[seat]
        jav = current.get(who) if who is not None else None
        return Seat(seat, who, suspended=jav is not None and jav.pending)

    return Seating(group, tuple(taken(m) for m in seats), current, frozenset(absent_since))


def _left_by(left: datetime | None, t: datetime) -> bool:
    return left is not None and left <= t


def may_close(user: str, seating: Seating, project_lead: str) -> bool:
    """The acting chair closes (or refers back); the projektledare when the chair cannot act.

    Nobody jävig, or with a jäv waiting for a ruling, closes: closing early can change the
    outcome, and a jävig person takes no part in the matter.
    """
    chair = seating.acting_chair
    if chair is not None:
        return user == chair
    return user == project_lead and not seating.in_question(user)


def ruler(jav: Jav, seating: Seating, project_lead: str) -> str | None:
    """Who rules on a raised jäv: the acting chair, else the projektledare; never the one it
    concerns, nor anyone jävig or with a jäv of their own waiting. None when that leaves
    nobody: the jäv then waits, and the suspended vote does not count, until the deadline."""
    chair = seating.acting_chair
    who = chair if chair is not None and chair != jav.member else project_lead
    if who == jav.member or seating.in_question(who):
        return None
    return who


def may_raise(user: str, member: str, seating: Seating, project_lead: str) -> bool:
    """A ledamot, a serving ersättare or the projektledare raises jäv about another member of
    the group who has no jäv question yet (one per member and vote)."""
    if user == member or member not in seating.group or member in seating.javs:
        return False
    return user in seating.group.members or user in seating.serving or user == project_lead


def check_standing(user: str, standing: Standing) -> None:
    """Raise why `user` has no vote now, unless they serve in a seat."""
    refusal = {
        Standing.outside: ErrorCode.NOT_A_MEMBER,
        Standing.javig: ErrorCode.CONFLICT_DECLARED,
        Standing.absent: ErrorCode.ABSENT,
        Standing.not_called: ErrorCode.NOT_SERVING,
        Standing.suspended: ErrorCode.JAV_PENDING,
    }.get(standing)
    if refusal is not None:
        raise DomainError(refusal, user=user)
