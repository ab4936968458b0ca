"""A milestone vote as people see it, and the beslutsprotokoll written when it closes.

The count is on seats (`bot.domain.count`): who serves in each seat is recomputed from the
steering group, the jäv questions and the förhinder every time a view is built, so the vote
message, the close and the record always agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.count import Outcome, Referral, SeatTally, count
from bot.domain.jav import Jav
from bot.domain.phase import DocumentDef, Milestone
from bot.domain.proposal import DecisionText, decision_text
from bot.domain.seats import Forhinder, Seating
from bot.domain.voting import Choice, CloseReason

CONFLICT = "conflict"  # a first-round ballot of a member with jäv; never counted


def split_ballots(stored: Mapping[str, str]) -> dict[str, Choice]:
    """Stored ballots as choices; a first-round "conflict" ballot is no choice."""
    return {user: Choice(c) for user, c in stored.items() if c != CONFLICT}


@dataclass(frozen=True, slots=True)
class VoteSubject:
    """What a vote is about, all a ballot's receipt names: one read, not the whole view."""

    vote_id: int
    project_name: str
    milestone: Milestone
    channel_id: str


@dataclass(frozen=True, slots=True)
class VoteView:
    vote_id: int
    team_id: str
    project_name: str
    project_channel: str
    lead_id: str
    milestone: Milestone
    documents: tuple[tuple[DocumentDef, str | None], ...]
    seating: Seating
    ballots: Mapping[str, Choice]
    channel_id: str
    message_ts: str | None
    opened_by: str
    opened_at: datetime
    deadline: datetime
    is_open: bool
    closed_at: datetime | None = None
    closed_by: str | None = None
    close_reason: CloseReason | None = None
    proposal: str = ""
    presenter: str | None = None
    coopted: tuple[str, ...] = ()
    forhinder: tuple[Forhinder, ...] = ()
    referral: Referral | None = None

    @property
    def tally(self) -> SeatTally:
        return count(self.ballots, self.seating)

    @property
    def outcome(self) -> Outcome:
        """The decision: the count's, unless the chair referred the matter back."""
        return Outcome.referred_back if self.referral is not None else self.tally.outcome

    @property
    def decision(self) -> DecisionText:
        return decision_text(self.outcome, self.proposal)

    @property
    def chair(self) -> str | None:
        return self.seating.group.chair

    @property
    def members(self) -> tuple[str, ...]:
        return self.seating.group.seats

    @property
    def conflicts(self) -> tuple[str, ...]:
        """Members of the group who are jävig (declared, or ruled Jävig), sorted."""
        return tuple(sorted(m for m, j in self.seating.javs.items() if j.javig))

    @property
    def javs(self) -> tuple[Jav, ...]:
        return tuple(sorted(self.seating.javs.values(), key=lambda j: (j.at, j.member)))

    @property
    def presented_by(self) -> str:
        return self.presenter or self.lead_id

    @property
    def closer(self) -> str:
        """Who may close it: the acting chair, else the projektledare (see seats.may_close)."""
        return self.seating.acting_chair or self.lead_id


def jav_record(jav: Jav) -> dict[str, Any]:
    ruling = jav.ruling
    return {
        "member": jav.member,
        "ground": jav.ground.value if jav.ground else None,
        "point": jav.ground.point if jav.ground else None,
        "motivation": jav.motivation,
        "declared": jav.declared,
        "raised_by": jav.raised_by,
        "at": jav.at.isoformat(),
        "state": jav.state.value,
        "ruling": None
        if ruling is None
        else {"javig": ruling.javig, "by": ruling.by, "at": ruling.at.isoformat()},
    }


def _milestone(m: Milestone) -> dict[str, Any]:
    return {
        "key": m.key,
        "name": {"sv": m.name.sv, "en": m.name.en},
        "purpose": {"sv": m.purpose.sv, "en": m.purpose.en},
        "next_phase": {"sv": m.next_phase.sv, "en": m.next_phase.en},
        "prepared_by": {"sv": m.prepared_by.sv, "en": m.prepared_by.en},
        "decided_by": {"sv": m.decided_by.sv, "en": m.decided_by.en},
    }


def _meeting(view: VoteView) -> dict[str, Any]:
    """Who took part and how: seats, ersättare, adjungerade, jäv, förhinder, återremiss."""
    seating = view.seating
    referral = view.referral
    return {
        "seats": [
            {"ledamot": s.ledamot, "serving": s.serving, "suspended": s.suspended}
            for s in seating.seats
        ],
        "seat_count": len(seating.seats),
        "serving": list(seating.serving),
        "substitutes": list(seating.group.substitutes),
        "substitutions": [{"substitute": s, "for": m} for s, m in seating.substitutions],
        "empty_seats": list(seating.empty),
        "coopted": list(view.coopted),
        "presenter": view.presented_by,
        "jav": [jav_record(j) for j in view.javs],
        "forhinder": [
            {"member": f.member, "at": f.at.isoformat()}
            for f in sorted(view.forhinder, key=lambda f: (f.at, f.member))
        ],
        "referral": None
        if referral is None
        else {"by": referral.by, "motivation": referral.motivation, "at": referral.at.isoformat()},
    }


def decision_record(view: VoteView) -> dict[str, Any]:
    """The beslutsprotokoll: everything a registrar files, in plain JSON-able values.

    Written once, when the vote closes; the database refuses to change it afterwards.
    """
    assert view.closed_at is not None and view.close_reason is not None
    result = view.tally
    words = view.decision
    return {
        "team_id": view.team_id,
        "project": view.project_name,
        "project_channel": view.project_channel,
        "project_lead": view.lead_id,
        "milestone": _milestone(view.milestone),
        "documents": [
            {"key": d.key, "name": {"sv": d.name.sv, "en": d.name.en}, "url": url}
            for d, url in view.documents
        ],
        "opened_by": view.opened_by,
        "opened_at": view.opened_at.isoformat(),
        "deadline": view.deadline.isoformat(),
        "closed_at": view.closed_at.isoformat(),
        "closed_by": view.closed_by,
        "close_reason": view.close_reason.value,
        "electorate": sorted(view.members),
        "chair": view.chair,
        "conflicts": list(view.conflicts),
        **_meeting(view),
        "votes": {
            member: (view.ballots[member].value if member in view.ballots else None)
            for member in sorted(view.seating.serving)
        },
        "yes": list(result.yes),
        "no": list(result.no),
        "abstain": list(result.abstain),
        "not_voted": list(result.not_voted),
        "suspended": list(result.suspended),
        "quorum_needed": result.quorum_needed,
        "quorum_reached": result.quorum_reached,
        "decided_by_chair": result.decided_by_chair and view.referral is None,
        "proposal": view.proposal,
        "decision_text": {"sv": words.in_("sv"), "en": words.in_("en")},
        "outcome": view.outcome.value,
    }
