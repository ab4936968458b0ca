"""A decision as it is read after the close: its minutes, and the export for diarieföring.

Plain values the services build from the stored record and messages render; the record itself
is the JSON `decision.decision_record` wrote when the vote closed, and what came after
(reservations, notes, rättelser, justering) is kept beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.domain.justering import SCHEMA_VERSION, Justering, case_title


@dataclass(frozen=True, slots=True)
class Minutes:
    """A closed vote's beslutsprotokoll with what was added after: reservations, notes."""

    record: dict[str, Any]
    reservations: tuple[dict[str, str], ...]
    failed_channels: tuple[str, ...] = ()
    notes: tuple[dict[str, str], ...] = ()  # protokollsanteckningar, in the order made
    corrections: tuple[dict[str, Any], ...] = ()  # rättelser, in the order made
    justering: Justering | None = None
    case_number: str | None = None  # the diarienummer
    paragraph: int | None = None  # § n: the n-th closed vote of the project

    @property
    def case_title(self) -> str:
        return case_title(self.record)

    @property
    def justerat(self) -> bool:
        return self.justering is not None and self.justering.justerat

    def document(self) -> dict[str, Any]:
        """The record as the registrar files it (JSON schema `SCHEMA_VERSION`)."""
        j = self.justering
        return {
            "schema_version": SCHEMA_VERSION,
            "case_number": self.case_number,
            "case_title": self.case_title,
            "paragraph": self.paragraph,
            "record": self.record,
            "reservations": list(self.reservations),
            "notes": list(self.notes),
            "corrections": list(self.corrections),
            "justering": j.as_dict() if j else None,
            "status": j.status if j else "ojusterat",
            "checksum": j.checksum if j else None,
        }


@dataclass(frozen=True, slots=True)
class Export:
    """What `forvaltningsbot export` writes for diarieföring."""

    project: str
    channel_id: str
    team_id: str
    decisions: tuple[Minutes, ...]
    audit: tuple[dict[str, Any], ...]
