"""Keep the catalogs in step with the code: extract every message, merge into each .po.

    .venv/bin/python scripts/i18n.py          # update messages/locale/*/LC_MESSAGES/messages.po
    .venv/bin/python scripts/i18n.py --check  # exit 1 if a message lacks a translation

New messages appear in each .po with an empty translation for a translator to fill in; the test
suite runs the check, so an untranslated message cannot land.
"""

from __future__ import annotations

import argparse
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "messages" / "locale"
METHOD_MAP = [("messages/templates/**.j2", "jinja2"), ("messages/**.py", "python")]
OPTIONS = {
    "messages/templates/**.j2": {
        "extensions": "jinja2.ext.i18n",
        "trim_blocks": "true",
        "lstrip_blocks": "true",
    }
}


def extract() -> Catalog:
    template = Catalog(project="forvaltningsbot", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), METHOD_MAP, OPTIONS
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def problems(template: Catalog) -> list[str]:
    found = []
    for po in sorted(LOCALES.glob("*/LC_MESSAGES/messages.po")):
        with po.open("rb") as f:
            catalog = read_po(f)
        for message in template:
            if not message.id:
                continue
            translated = catalog.get(message.id)
            if translated is None or not translated.string or translated.fuzzy:
                found.append(f"{po.relative_to(ROOT)}: no translation for {message.id!r}")
    return found


def update(template: Catalog) -> None:
    for po in sorted(LOCALES.glob("*/LC_MESSAGES/messages.po")):
        with po.open("rb") as f:
            catalog = read_po(f)
        catalog.update(template, no_fuzzy_matching=True)
        buffer = BytesIO()
        write_po(buffer, catalog, omit_header=False, sort_output=True, include_previous=False)
        po.write_bytes(buffer.getvalue())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    template = extract()
    if not args.check:
        update(template)
    found = problems(template)
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
