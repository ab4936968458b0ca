"""A decision as it is read after the close: its minutes, and the export for diarieföring.

Plain values the services build from the stored record and messages render; the record itself
is the JSON `decision.decision_record` wrote when the vote closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Minutes:
    """A closed vote's beslutsprotokoll with what was added after: reservations, notes."""

    record: dict[str, Any]
    reservations: tuple[dict[str, str], ...]
    failed_channels: tuple[str, ...] = ()
    notes: tuple[dict[str, str], ...] = ()  # protokollsanteckningar, in the order made


@dataclass(frozen=True, slots=True)
class Export:
    """What `forvaltningsbot export` writes for diarieföring."""

    project: str
    channel_id: str
    team_id: str
    decisions: tuple[Minutes, ...]
    audit: tuple[dict[str, Any], ...]
