"""The decision record as files for diarieföring: JSON for systems, Markdown for people, and the
HTML that messages/pdf.py prints as PDF/A for the archive."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.minutes import Export
from messages.environment import html_macros, macros


@dataclass(frozen=True, slots=True)
class ExportDocument:
    organisation: str
    exported_at: str
    decisions: list[dict[str, Any]]
    audit: list[dict[str, Any]]


def _document(export: Export, organisation: str, now: datetime) -> ExportDocument:
    return ExportDocument(
        organisation=organisation,
        exported_at=now.isoformat(),
        decisions=[
            {"record": d.record, "reservations": list(d.reservations), "notes": list(d.notes)}
            for d in export.decisions
        ],
        audit=list(export.audit),
    )


def export_json(export: Export, organisation: str, now: datetime) -> str:
    doc = _document(export, organisation, now)
    return json.dumps(
        {
            "organisation": doc.organisation,
            "project": export.project,
            "channel": export.channel_id,
            "team_id": export.team_id,
            "exported_at": doc.exported_at,
            "decisions": doc.decisions,
            "audit": doc.audit,
        },
        ensure_ascii=False,
        indent=2,
        sort_keys=True,
    )


def export_markdown(export: Export, organisation: str, now: datetime, lang: str) -> str:
    text = macros("export.md.j2", lang).document(_document(export, organisation, now))
    return "\n".join(line.rstrip() for line in str(text).strip().splitlines()) + "\n"


def export_html(export: Export, organisation: str, now: datetime, lang: str) -> str:
    """The Markdown's record as an HTML page: same data, same texts, escaped for HTML."""
    doc = _document(export, organisation, now)
    # Whole seconds: PDF's own date has no fraction, and PDF/A wants it to agree with the XMP.
    created = now.replace(microsecond=0).isoformat()
    return str(html_macros("export.html.j2", lang).document(doc, export.project, created))
