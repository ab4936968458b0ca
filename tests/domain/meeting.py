"""A steering group, its jäv and förhinder, and ballots written one row a case."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.jav import Jav, JavGround, declare, raise_jav, rule
from bot.domain.seats import Forhinder, Seating, SteeringGroup, serving
from bot.domain.voting import Choice
from tests.support.clock import utc

START = utc(2026, 12, 1, 9)
LEAD = "pl"  # the projektledare: rules in the tables; a member only where a case says so
RAISER = "r"  # raises the jäv in the tables; who may raise is `may_raise`'s question

# What happened to a person, in the order written (the n-th event happens n minutes in):
# D declared jäv, P jäv raised and pending, J raised and ruled Jävig, N raised and ruled Inte
# jävig, F förhinder.
KINDS = "DPJNF"


def group(members: str, substitutes: str = "", chair: str | None = None) -> SteeringGroup:
    return SteeringGroup(tuple(members.split()), tuple(substitutes.split()), chair)


def jav(member: str, kind: str, minute: int = 0) -> Jav:
    at = START + timedelta(minutes=minute)
    if kind == "D":
        return declare(member, JavGround.annat, "", at)
    raised = raise_jav(member, JavGround.part, "äger aktier i leverantören", by=RAISER, at=at)
    if kind == "P":
        return raised
    return rule(raised, javig=kind == "J", by=LEAD, at=at + timedelta(seconds=30))


def seating(g: SteeringGroup, events: str = "") -> Seating:
    """`"b=D c=F"` → b declares jäv, then c has förhinder."""
    javs: list[Jav] = []
    absent: list[Forhinder] = []
    for minute, event in enumerate(events.split()):
        member, kind = event.split("=")
        if kind == "F":
            absent.append(Forhinder(member, START + timedelta(minutes=minute)))
        else:
            javs.append(jav(member, kind, minute))
    return serving(g, javs, absent)


def seats_text(s: Seating) -> str:
    """Who serves in each seat, in seat order: a name, `~name` if suspended, `-` if empty."""
    return " ".join(
        "-" if seat.serving is None else ("~" if seat.suspended else "") + seat.serving
        for seat in s.seats
    )


def ballots(text: str) -> dict[str, Choice]:
    """`"a=Y b=N c=A"` → {"a": yes, "b": no, "c": abstain}."""
    letters = {"Y": Choice.yes, "N": Choice.no, "A": Choice.abstain}
    return {user: letters[choice] for user, choice in (b.split("=") for b in text.split())}
