"""`forvaltningsbot export --format pdf`: the record a registrar files in the e-arkiv, PDF/A-2b.

Checked as the archive would: poppler's pdffonts (every font embedded), the XMP packet read from
the file (PDF/A-2b identification), pdftotext (what a reader sees, in Swedish and in English).
Needs Debian's Pango, DejaVu fonts and poppler-utils (scripts/ensure-pdf-tools installs them):
skipped without them locally, failed in CI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, StreamObject

from bot.domain.voting import Choice
from bot.services import decisions, votes
from messages.pdf import FACES, FONTS
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

RESERVATION = "Driftavtalet <saknar> § 4 & vite – åäö"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"


def _missing() -> str | None:
    for tool in ("pdffonts", "pdftotext"):
        if shutil.which(tool) is None:
            return f"no {tool} (poppler-utils; scripts/ensure-pdf-tools installs it)"
    if not all((FONTS / name).is_file() for _, _, name in FACES):
        return f"no DejaVu fonts in {FONTS} (fonts-dejavu-core; scripts/ensure-pdf-tools)"
    try:
        import weasyprint  # noqa: F401
    except OSError as err:
        return f"WeasyPrint cannot load Pango: {err} (scripts/ensure-pdf-tools)"
    return None


if (reason := _missing()) is not None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs the PDF export test: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


@pytest.fixture
def decided(tmp_path: Path) -> str:
    """A database with one closed vote of "Kommunen Åre": Erik and Sara for, Maria against and
    reserving herself; the database URL."""
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    clock = Clock(sthlm(2026, 11, 23, 8))
    services = build_services(url, clock)
    ready_project(services, "Kommunen Åre")
    opened = votes.open_milestone(services, ANNA, CHANNEL)
    assert isinstance(opened, votes.VoteOpened)
    vote_id = opened.vote.vote_id
    clock.advance(hours=2)
    votes.cast(services, ERIK, vote_id, Choice.yes)
    votes.cast(services, SARA, vote_id, Choice.yes)
    votes.cast(services, MARIA, vote_id, Choice.no)  # everyone has voted: it closes
    decisions.add_reservation(services, MARIA, vote_id, RESERVATION)
    services.db.dispose()
    return url


def export_pdf(url: str, tmp_path: Path, lang: str) -> Path:
    out = tmp_path / f"protokoll-{lang}.pdf"
    env = {"DATABASE_URL": url, "ORGANISATION": "Åre kommun", "PATH": os.environ["PATH"]}
    result = run(["export", "Kommunen Åre", "--format", "pdf", "--lang", lang, "-o", str(out)], env)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    return out


def poppler(tool: str, *args: str) -> str:
    return subprocess.run(  # noqa: S603  (poppler's tools, fixed arguments)
        [tool, *args], capture_output=True, text=True, check=True, timeout=30
    ).stdout


def fonts(pdf: Path) -> list[tuple[str, str]]:
    """(font name, emb) for every font pdffonts lists."""
    listing = poppler("pdffonts", str(pdf)).splitlines()[2:]
    columns = re.compile(r"(\S+)\s.*\s(yes|no)\s+(?:yes|no)\s+(?:yes|no)\s+\d+\s+\d+$")
    rows = [columns.match(line) for line in listing]
    assert all(rows), listing
    return [(row[1], row[2]) for row in rows if row]


def text(pdf: Path) -> str:
    return " ".join(poppler("pdftotext", "-enc", "UTF-8", str(pdf), "-").split())


def pdfa_identification(pdf: Path) -> tuple[str | None, str | None]:
    """pdfaid:part and pdfaid:conformance from the XMP packet the catalog points to."""
    stream = PdfReader(pdf).root_object["/Metadata"].get_object()
    assert isinstance(stream, StreamObject)
    metadata = stream.get_data()
    root = ElementTree.fromstring(metadata)  # noqa: S314  (a file we just wrote)
    for description in root.iter(f"{RDF}Description"):
        part = description.get(f"{PDFAID}part")
        if part is not None:
            return part, description.get(f"{PDFAID}conformance")
    return None, None


def test_the_pdf_is_pdfa_2b_with_every_font_embedded(decided: str, tmp_path: Path) -> None:
    pdf = export_pdf(decided, tmp_path, "sv")
    found = fonts(pdf)
    assert found, "no fonts listed"
    assert all(emb == "yes" for _, emb in found), found
    # The DejaVu files named by messages/pdf.py, not whatever fontconfig would have picked.
    assert all("Record-" in name for name, _ in found), found
    assert pdfa_identification(pdf) == ("2", "B")
    intents = PdfReader(pdf).root_object["/OutputIntents"].get_object()
    assert isinstance(intents, ArrayObject) and len(intents) == 1
    assert intents[0].get_object()["/S"] == "/GTS_PDFA1"  # the PDF/A output intent


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "sv",
            [
                "Beslutsprotokoll: Milstolpe VII – Kommunen Åre",
                "Organisation Åre kommun",
                "Beslut Godkänd",
                "UERIK Godkänn",
                "USARA Godkänn",
                "UMARIA Avslå",
                "Reservationer",
            ],
        ),
        (
            "en",
            [
                "Decision record: Milestone VII – Kommunen Åre",
                "Organisation Åre kommun",
                "Decision Approved",
                "UERIK Approve",
                "USARA Approve",
                "UMARIA Reject",
                "Reservations",
            ],
        ),
    ],
)
def test_the_pdf_reads_as_the_record_in_either_language(
    decided: str, tmp_path: Path, lang: str, words: list[str]
) -> None:
    shown = text(export_pdf(decided, tmp_path, lang))
    for expected in words:
        assert expected in shown, (expected, shown)
    assert RESERVATION in shown  # escaped as text: the <…>, the § and åäö all there
    assert "Kommunen Åre" in shown


def test_pdf_without_an_output_file_says_so(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "PATH": os.environ["PATH"]}
    result = run(["export", "Kommunen Åre", "--format", "pdf"], env)
    assert result.returncode == 2
    assert "-o FILE" in result.stderr
    assert not result.stdout
