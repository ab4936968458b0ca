"""A milestone vote as people see it, and the beslutsprotokoll written when it closes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.phase import DocumentDef, Milestone
from bot.domain.voting import Choice, CloseReason, Electorate, Tally, tally

CONFLICT = "conflict"  # the ballot a member with jäv holds instead of a vote


def split_ballots(stored: Mapping[str, str]) -> tuple[dict[str, Choice], frozenset[str]]:
    """Stored ballots into votes and declared conflicts (jäv replaces any earlier vote)."""
    votes = {user: Choice(c) for user, c in stored.items() if c != CONFLICT}
    return votes, frozenset(user for user, c in stored.items() if c == CONFLICT)


@dataclass(frozen=True, slots=True)
class VoteView:
    vote_id: int
    team_id: str
    project_name: str
    project_channel: str
    lead_id: str
    milestone: Milestone
    documents: tuple[tuple[DocumentDef, str | None], ...]
    electorate: Electorate
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

    @property
    def tally(self) -> Tally:
        return tally(self.ballots, self.electorate)

    @property
    def closer(self) -> str:
        """Who may close it: the acting chair, else the projektledare (see voting.can_close)."""
        return self.electorate.acting_chair or self.lead_id


def decision_record(view: VoteView) -> dict[str, Any]:
    """The beslutsprotokoll: everything a registrar files, in plain JSON-able values.

    Written once, when the vote closes; the database refuses to change it afterwards.
    """
    assert view.closed_at is not None and view.close_reason is not None
    result = view.tally
    m = view.milestone
    return {
        "team_id": view.team_id,
        "project": view.project_name,
        "project_channel": view.project_channel,
        "project_lead": view.lead_id,
        "milestone": {
            "key": m.key,
            "name": {"sv": m.name.sv, "en": m.name.en},
            "purpose": {"sv": m.purpose.sv, "en": m.purpose.en},
            "next_phase": {"sv": m.next_phase.sv, "en": m.next_phase.en},
            "prepared_by": {"sv": m.prepared_by.sv, "en": m.prepared_by.en},
            "decided_by": {"sv": m.decided_by.sv, "en": m.decided_by.en},
        },
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
        "electorate": sorted(view.electorate.members),
        "chair": view.electorate.chair,
        "conflicts": list(result.conflicts),
        "votes": {
            member: (view.ballots[member].value if member in view.ballots else None)
            for member in sorted(view.electorate.eligible)
        },
        "yes": list(result.yes),
        "no": list(result.no),
        "abstain": list(result.abstain),
        "not_voted": list(result.not_voted),
        "quorum_needed": result.quorum_needed,
        "quorum_reached": result.quorum_reached,
        "decided_by_chair": result.decided_by_chair,
        "outcome": result.outcome.value,
    }
