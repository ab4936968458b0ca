"""Every message in the code has a Swedish translation, and placeholders agree."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from messages.i18n import LOCALE_DIR, language_for, languages, translations

ROOT = Path(__file__).resolve().parents[2]


def test_catalogs_cover_every_message() -> None:
    result = subprocess.run(  # noqa: S603  (our own script)
        [sys.executable, str(ROOT / "scripts" / "i18n.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr


def test_translations_keep_the_placeholders() -> None:
    with (LOCALE_DIR / "sv" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    for message in catalog:
        if message.id:
            placeholders = sorted(re.findall(r"%\((\w+)\)s", str(message.id)))
            assert sorted(re.findall(r"%\((\w+)\)s", str(message.string))) == placeholders, (
                message.id
            )


def test_locale_mapping() -> None:
    assert languages()[0] == "sv"
    assert language_for("en-US") == "en"
    assert language_for("en-GB") == "en"
    assert language_for("sv-SE") == "sv"
    assert language_for("fi-FI") == "sv"
    assert language_for(None) == "sv"
    assert translations("sv").gettext("Done") == "Klar"
