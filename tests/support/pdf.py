"""Reading a PDF the bot made as a person would: poppler's pdftotext (Debian's poppler-utils).

The bot prints a PDF with WeasyPrint, which needs Pango and the DejaVu fonts from Debian;
scripts/ensure-pdf-tools installs all of them. Without them a test that needs a PDF is skipped
on a developer's machine and fails in CI, as tests/cli/test_pdf_export.py does.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from messages.pdf import FACES, FONTS


def require_pdf_tools() -> None:
    """Skip (fail in CI) unless this machine can both make a PDF and read it back."""
    reason = None
    if shutil.which("pdftotext") is None:
        reason = "no pdftotext (poppler-utils)"
    elif not all((FONTS / name).is_file() for _, _, name in FACES):
        reason = f"no DejaVu fonts in {FONTS} (fonts-dejavu-core)"
    else:
        try:
            import weasyprint  # noqa: F401
        except OSError as err:
            reason = f"WeasyPrint cannot load Pango: {err}"
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs the PDF tools: {reason} (scripts/ensure-pdf-tools)")
    pytest.skip(f"{reason}; scripts/ensure-pdf-tools installs it")


def pdf_text(data: bytes) -> str:
    """What a reader of the PDF sees, its whitespace folded to single spaces."""
    shown = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],  # noqa: S607
        input=data,
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout.decode("utf-8")
    return " ".join(shown.split())
