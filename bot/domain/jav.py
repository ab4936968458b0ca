"""Jäv (Förvaltningslagen 2017:900, 16–18 §§): its ground, who raised it, and the ruling.

A member may declare their own jäv, or another may raise it about them; a raised jäv waits for
a ruling by the chair (the projektledare when the chair is concerned). What a jäv does to the
seats and the count is `bot.domain.seats`' business; this module only says what state a jäv is
in and who may act on it.

The rules
---------
- **Declared** (by the member about themself): the member is jävig at once; nobody rules on it.
  A person may always step aside, so a declaration also replaces an earlier ruling of *Inte
  jävig*.
- **Raised** (by a ledamot, a serving ersättare or the projektledare, about someone else):
  ground and motivation are required, since the one who rules must know what to weigh. Until it
  is ruled the member keeps their seat but their vote is suspended.
- **Ruled** *Jävig*: as declared, from the moment of the ruling. Ruled *Inte jävig*: the member
  takes part as if nothing had been raised, and the question is not raised again in this vote.
- **Who rules**: the acting chair; the projektledare when the jäv concerns the chair or the
  chair cannot act (jävig, suspended, förhinder, not a ledamot). Nobody rules on their own jäv,
  and nobody jävig or with a jäv of their own waiting rules at all (FL 17 §: a jävig person
  takes no part in the matter); when that leaves nobody, the jäv stays pending and the
  suspended vote never counts. `bot.domain.seats.ruler` says who it is.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from bot.domain.naming import normalize


class JavGround(StrEnum):
    """The grounds of FL 16 § first paragraph; the values are the command's words and the keys
    the messages look the Swedish and English labels up by."""

    part = "part"  # 1: the member or a närstående is party, or is affected not insignificantly
    ombud = "ombud"  # 2: the member or a närstående represents (or did) a party or one affected
    tidigare = "tidigare"  # 3: took a final part in the matter at another authority (tvåinstans)
    annat = "annat"  # 4: another particular circumstance (delikatessjäv)

    @property
    def point(self) -> int:
        """The point of FL 16 § the ground is, for the record ("FL 16 § 1 p.")."""
        return _POINTS[self]


_POINTS = {JavGround.part: 1, JavGround.ombud: 2, JavGround.tidigare: 3, JavGround.annat: 4}

# What people type: the Swedish keys, the point's number, and English words for the English
# command (`conflict [ground]`), matched without case or diacritics.
_GROUND_WORDS: dict[str, JavGround] = {
    **{g.value: g for g in JavGround},
    **{str(point): g for g, point in _POINTS.items()},
    "party": JavGround.part,
    "agent": JavGround.ombud,
    "representative": JavGround.ombud,
    "prior": JavGround.tidigare,
    "earlier": JavGround.tidigare,
    "other": JavGround.annat,
}


def parse_ground(word: str) -> JavGround | None:
    """The ground `word` names (`part`, `Ombud`, `3`, `other` …), or None if it names none."""
    return _GROUND_WORDS.get(normalize(word))


class JavState(StrEnum):
    declared = "declared"  # by the member: counts as jävig
    pending = "pending"  # raised by another, not yet ruled: the member's vote is suspended
    javig = "javig"  # ruled Jävig
    not_javig = "not_javig"  # ruled Inte jävig


@dataclass(frozen=True, slots=True)
class Ruling:
    javig: bool
    by: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Jav:
    """One jäv question about `member` in one vote. Declared when `raised_by` is the member."""

    member: str
    ground: JavGround | None  # only a declaration may leave it out
    motivation: str
    raised_by: str
    at: datetime
    ruling: Ruling | None = None

    @property
    def declared(self) -> bool:
        return self.raised_by == self.member

    @property
    def state(self) -> JavState:
        if self.declared:
            return JavState.declared
        if self.ruling is None:
            return JavState.pending
        return JavState.javig if self.ruling.javig else JavState.not_javig

    @property
    def javig(self) -> bool:
        """Counts as jävig: the member takes no part and an ersättare may take the seat."""
        return self.state in (JavState.declared, JavState.javig)

    @property
    def pending(self) -> bool:
        return self.state is JavState.pending

    @property
    def javig_since(self) -> datetime | None:
        """When the member stopped taking part: the declaration, or the ruling of Jävig."""
        if self.declared:
            return self.at
        if self.ruling is not None and self.ruling.javig:
            return self.ruling.at
        return None


def declare(member: str, ground: JavGround | None, motivation: str, at: datetime) -> Jav:
    """The member's own declaration; ground and motivation may be left out."""
    return Jav(member, ground, motivation.strip(), raised_by=member, at=at)


def raise_jav(member: str, ground: JavGround, motivation: str, by: str, at: datetime) -> Jav:
    """Another's claim that `member` is jävig; it waits for a ruling."""
    if by == member:
        raise ValueError("a member's jäv about themself is a declaration")
    if not motivation.strip():
        raise ValueError("a raised jäv needs a motivation")
    return Jav(member, ground, motivation.strip(), raised_by=by, at=at)


def rule(jav: Jav, *, javig: bool, by: str, at: datetime) -> Jav:
    """The ruling on a pending jäv; the caller has checked `by` with `ruler`."""
    if not jav.pending:
        raise ValueError(f"the jäv about {jav.member} is {jav.state.value}, not pending")
    return replace(jav, ruling=Ruling(javig=javig, by=by, at=at))
