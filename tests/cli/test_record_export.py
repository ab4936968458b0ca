"""The justerat record as a registrar exports it: the PDF/A holds the diarienummer, the
project, the decision text, the votes and the justering; the JSON validates against the schema
the repo ships, and its checksum is the SHA-256 of the canonical JSON it documents."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from bot.domain.justering import canonical
from bot.domain.voting import Choice
from bot.services import justering, votes
from tests.cli.support import run
from tests.services.support import (
    ANNA,
    CHANNEL,
    ERIK,
    MARIA,
    SARA,
    build_services,
    ready_project,
)
from tests.support.clock import Clock, sthlm

SCHEMA = Path(__file__).parents[2] / "messages" / "schema" / "record.schema.json"


@pytest.fixture
def justerat(tmp_path: Path) -> str:
    """Kommunen Åre's vote closed (Erik and Sara for, Maria against), justerat by Sara and Maria,
    filed as KS 2026/1234; the database URL."""
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    clock = Clock(sthlm(2026, 11, 23, 8))
    services = build_services(url, clock)
    ready_project(services, "Kommunen Åre")
    justering.set_adjuster(services, ANNA, CHANNEL, MARIA.user_id)
    justering.set_case_number(services, ANNA, CHANNEL, "KS 2026/1234")
    opened = votes.open_milestone(services, ANNA, CHANNEL)
    assert isinstance(opened, votes.VoteOpened)
    vote_id = opened.vote.vote_id
    clock.advance(hours=2)
    for actor, choice in ((ERIK, Choice.yes), (SARA, Choice.yes), (MARIA, Choice.no)):
        votes.cast(services, actor, vote_id, choice)
    clock.advance(hours=1)
    justering.justera(services, MARIA, vote_id)
    assert justering.justera(services, SARA, vote_id).justerat
    services.db.dispose()
    return url


def export(url: str, tmp_path: Path, fmt: str, lang: str = "sv", *more: str) -> Path:
    out = tmp_path / f"protokoll{'-'.join(more)}.{fmt}"
    env = {"DATABASE_URL": url, "ORGANISATION": "Åre kommun", "PATH": os.environ["PATH"]}
    args = ["export", "Kommunen Åre", "--format", fmt, "--lang", lang, "-o", str(out), *more]
    result = run(args, env)
    assert result.returncode == 0, result.stderr
    return out


def test_the_json_export_validates_and_its_checksum_is_its_canonical_form(
    justerat: str, tmp_path: Path
) -> None:
    exported: dict[str, Any] = json.loads(export(justerat, tmp_path, "json").read_text("utf-8"))
    jsonschema.validate(exported, json.loads(SCHEMA.read_text("utf-8")))
    decision = exported["decisions"][0]
    assert decision["status"] == "justerat" and decision["case_number"] == "KS 2026/1234"
    assert decision["case_title"] == "Beslut vid Milstolpe VII – Kommunen Åre"
    assert decision["paragraph"] == 1
    assert [j["user"] for j in decision["justering"]["by"]] == [MARIA.user_id, SARA.user_id]
    digest = hashlib.sha256(canonical(decision).encode("utf-8")).hexdigest()
    assert decision["checksum"] == digest


@pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="no pdftotext (scripts/ensure-pdf-tools)"
)
def test_the_pdf_holds_the_case_number_decision_votes_and_justering(
    justerat: str, tmp_path: Path
) -> None:
    pdf = export(justerat, tmp_path, "pdf")
    shown = " ".join(
        subprocess.run(  # noqa: S603  (poppler's tool, fixed arguments)
            ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.split()
    )
    for expected in (
        "KS 2026/1234",
        "Kommunen Åre",
        "Beslut vid Milstolpe VII – Kommunen Åre",
        "Styrgruppen beslutar att",
        "Godkänn",
        "Avslå",
        "Justerat",
        MARIA.user_id,
        "SHA-256",
    ):
        assert expected in shown, (expected, shown)


def test_every_justerat_version_exports_as_it_was_sealed_after_the_diarienummer_changed(
    justerat: str, tmp_path: Path
) -> None:
    """The registrar's number changes after justering: `--all-versions` still gives version 1
    exactly as it was justerat (its checksum recomputes), then version 2 with the new number,
    ojusterat; without it the export shows the record as it stands."""
    services = build_services(justerat, Clock(sthlm(2026, 11, 24, 9)))
    justering.set_case_number(services, ANNA, CHANNEL, "KS 2026/9999")
    services.db.dispose()
    exported = json.loads(export(justerat, tmp_path, "json", "sv", "--all-versions").read_text())
    jsonschema.validate(exported, json.loads(SCHEMA.read_text("utf-8")))
    first, second = exported["decisions"]
    assert first["case_number"] == "KS 2026/1234" and first["status"] == "justerat"
    assert first["checksum"] == hashlib.sha256(canonical(first).encode("utf-8")).hexdigest()
    assert second["case_number"] == "KS 2026/9999" and second["status"] == "ojusterat"
    assert second["justering"]["version"] == 2 and second["checksum"] is None
    assert "KS 2026/1234" in second["corrections"][0]["text"]
    (standing,) = json.loads(export(justerat, tmp_path, "json").read_text())["decisions"]
    assert standing == second
