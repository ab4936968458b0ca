"""Languages: gettext catalogs (one .po per language), compiled with Babel when first used.

English strings are the message ids, so English needs no catalog; Swedish is the default
language of the bot. Adding a language is adding `locale/<lang>/LC_MESSAGES/messages.po`.
Compiling in memory at first use, rather than committing .mo files, means a catalog can never be
stale against its source.
"""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "sv"
SOURCE_LANGUAGE = "en"


def languages() -> tuple[str, ...]:
    catalogs = sorted(p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po"))
    return (DEFAULT_LANGUAGE, *(lang for lang in [SOURCE_LANGUAGE, *catalogs] if lang != "sv"))


def language_for(locale: str | None) -> str:
    """Slack's locale (`en-US`, `sv-SE`, …) to one of our languages; Swedish when unsure."""
    if not locale:
        return DEFAULT_LANGUAGE
    lang = locale.replace("_", "-").split("-")[0].lower()
    return lang if lang in languages() else DEFAULT_LANGUAGE


@cache
def translations(lang: str) -> gettext.NullTranslations:
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as source:
        catalog = read_po(source, locale=lang)
    buffer = BytesIO()
    # Fuzzy entries are guesses a translator has not confirmed; showing them would mislead.
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer)
