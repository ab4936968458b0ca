"""A decision as it is read after the close: its minutes, and the export for diarieföring.

Plain values the services build from the stored record and messages render; the record itself
is the JSON `decision.decision_record` wrote when the vote closed, and what came after
(reservations, notes, rättelser, justering) is kept beside it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
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
    # A justerat version: the canonical document its checksum was made of, as stored. What it
    # shows comes from here, never from the project as it is now (a diarienummer changed since).
    sealed: Mapping[str, Any] | None = None

    @classmethod
    def as_sealed(
        cls,
        document: Mapping[str, Any],
        justering: Justering,
        failed_channels: tuple[str, ...] = (),
    ) -> Minutes:
        """A justerat version exactly as it was sealed, from its stored canonical document."""
        return cls(
            record=dict(document["record"]),
            reservations=tuple(document["reservations"]),
            failed_channels=failed_channels,
            notes=tuple(document["notes"]),
            corrections=tuple(document["corrections"]),
            justering=justering,
            case_number=document["case_number"],
            paragraph=document["paragraph"],
            sealed=document,
        )

    @property
    def case_title(self) -> str:
        return case_title(self.record)

    @property
    def justerat(self) -> bool:
        return self.justering is not None and self.justering.justerat

    def filename(self) -> str:
        """The name the record is filed under as a PDF: `beslutsprotokoll-<diarienummer, else
        the project>-p<§>-v<version>.pdf`, in ASCII letters, digits and dashes, so that every
        archive takes it and each version of each § has its own."""
        named = _ascii(self.case_number or str(self.record.get("project", ""))) or "projekt"
        version = self.justering.version if self.justering else 1
        return f"beslutsprotokoll-{named}-p{self.paragraph or 1}-v{version}.pdf"

    def document(self) -> dict[str, Any]:
        """The record as the registrar files it (JSON schema `SCHEMA_VERSION`); a justerat
        version's is the document it was sealed with, so its checksum still verifies."""
        j = self.justering
        if self.sealed is not None:
            checksum = j.checksum if j else None
            return {**self.sealed, "status": "justerat", "checksum": checksum}
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


def _ascii(text: str) -> str:
    """ "KS 2026/1234" -> "KS-2026-1234", "Kommunen Åre" -> "Kommunen-Are"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-")[:80]


@dataclass(frozen=True, slots=True)
class Export:
    """What `forvaltningsbot export` writes for diarieföring."""

    project: str
    channel_id: str
    team_id: str
    decisions: tuple[Minutes, ...]
    audit: tuple[dict[str, Any], ...]
