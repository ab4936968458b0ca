"""The decision record as PDF/A-2b for the e-arkiv: the export's HTML, printed by WeasyPrint.

PDF/A wants every font embedded, so the fonts are Debian's DejaVu files (fonts-dejavu-core)
named by path in @font-face under family names no system knows: the same faces on every machine
whatever fontconfig would pick, and åäö and § always there. WeasyPrint embeds the subsets it uses.
It needs Pango from the system; scripts/ensure-pdf-tools installs what it needs.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from bot.domain.minutes import Export
from messages.export import export_html

FONTS = Path("/usr/share/fonts/truetype/dejavu")
# (CSS family, weight, file): the families export.html.j2 names.
FACES = (
    ("Record Sans", "normal", "DejaVuSans.ttf"),
    ("Record Sans", "bold", "DejaVuSans-Bold.ttf"),
    ("Record Mono", "normal", "DejaVuSansMono.ttf"),
)
VARIANT = "pdf/a-2b"
INSTALL_HINT = "install it with scripts/ensure-pdf-tools (Debian: libpango-1.0-0 libpangoft2-1.0-0)"


class PdfUnavailable(RuntimeError):
    """This machine lacks what the PDF needs (Pango or the font files); the message says what."""


def font_faces(fonts: Path = FONTS) -> str:
    missing = [name for _, _, name in FACES if not (fonts / name).is_file()]
    if missing:
        raise PdfUnavailable(
            f"the PDF export needs the fonts {', '.join(missing)} in {fonts}: "
            "apt-get install fonts-dejavu-core (scripts/ensure-pdf-tools does)"
        )
    return "\n".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
        f'src: url("{(fonts / name).as_uri()}"); }}'
        for family, weight, name in FACES
    )


def _weasyprint() -> Any:
    # Imported here, not at the top: Pango is loaded on import, and the bot itself (serve, the
    # other formats) must not need it.
    try:
        import weasyprint
    except OSError as err:  # the shared libraries are missing
        raise PdfUnavailable(f"WeasyPrint cannot load Pango ({err}); {INSTALL_HINT}") from err
    return weasyprint


def pdf_a(html: str, fonts: Path = FONTS) -> bytes:
    """An HTML page as PDF/A-2b; it may load nothing but the font files (no network, no file of
    the user's choosing), and a font it cannot load stops it rather than falling back."""
    weasyprint = _weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    fetcher = weasyprint.URLFetcher(allowed_protocols={"file"}, fail_on_errors=True)
    font_config = FontConfiguration()
    stylesheet = weasyprint.CSS(
        string=font_faces(fonts), font_config=font_config, url_fetcher=fetcher
    )
    document = weasyprint.HTML(string=html, url_fetcher=fetcher)
    data: bytes = document.write_pdf(
        stylesheets=[stylesheet], font_config=font_config, pdf_variant=VARIANT
    )
    return data


def export_pdf(export: Export, organisation: str, now: datetime, lang: str) -> bytes:
    return pdf_a(export_html(export, organisation, now, lang))


def justerat_pdf(export: Export, organisation: str, lang: str) -> bytes:
    """One justerat version of a record (the export holds it alone) as PDF/A, made as of its
    justering: every copy of one version, whenever made, is the same file."""
    (record,) = export.decisions
    assert record.justering is not None and record.justering.justerat_at is not None
    return export_pdf(export, organisation, record.justering.justerat_at, lang)


def write_pdf(export: Export, organisation: str, now: datetime, lang: str, path: Path) -> None:
    """`forvaltningsbot export --format pdf -o FILE`."""
    path.write_bytes(export_pdf(export, organisation, now, lang))
