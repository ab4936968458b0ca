"""What a use case changed, for the confirmation the user sees."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.phase import ActivityDef, DocumentDef


class ChangeKind(StrEnum):
    OWNER = "owner"
    DUE = "due"
    STATUS = "status"
    DOCUMENT = "document"
    STEERING = "steering"
    CHAIR = "chair"
    VOTE_CHANNEL = "vote_channel"
    CHANNELS = "channels"
    SUBSTITUTES = "substitutes"
    COOPTED = "coopted"
    PRESENTER = "presenter"
    PROPOSAL = "proposal"
    ADJUSTER = "adjuster"
    CASE_NUMBER = "case_number"


@dataclass(frozen=True, slots=True)
class Change:
    """`changed` is False when the request asked for what already was (a double click)."""

    kind: ChangeKind
    project_name: str
    changed: bool
    after: str | tuple[str, ...] | None
    before: str | tuple[str, ...] | None = None
    activity: ActivityDef | None = None
    document: DocumentDef | None = None
    note: str | None = None
    chair_cleared: bool = False
    # A new diarienummer reached a justerat record: its § n, corrected and ojusterat again.
    reopened: int | None = None
