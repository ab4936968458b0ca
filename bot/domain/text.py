"""What people write, made safe to keep and to show: one cleaning for commands and dialogs.

Control characters are never meant (and PostgreSQL refuses NUL in text). Bidirectional
controls can make a line read differently from what it holds (a reservation that seems to say
the opposite, a link that seems to go elsewhere), and zero-width ones make two names that look
alike differ; none of them carries meaning in a project's records, so they are removed.
"""

from __future__ import annotations

import unicodedata

from bot.domain.errors import DomainError, ErrorCode

TEXT_MAX = 2000

# Bidirectional embeddings, overrides, isolates and marks; zero-width spaces and joiners.
INVISIBLE = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"]
    + ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
)


def clean(text: str) -> str:
    """The text without control, bidirectional or zero-width characters.

    The whitespace controls still separate words, so they become a space rather than vanish;
    line breaks and tabs are kept.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept: list[str] = []
    for ch in text:
        if ch in INVISIBLE:
            continue
        category = unicodedata.category(ch)
        if category == "Cs":
            continue
        if category == "Cc" and ch not in "\n\t":
            if ch.isspace():
                kept.append(" ")
            continue
        kept.append(ch)
    return "".join(kept)


def within(text: str, limit: int = TEXT_MAX) -> str:
    """`text` if it is at most `limit` characters; else the refusal that says by how much."""
    if len(text) > limit:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, limit=str(limit), length=str(len(text)))
    return text


def written(text: str, limit: int = TEXT_MAX) -> str:
    """Free text as a person wrote it, cleaned and trimmed, refused if over `limit`."""
    return within(clean(text).strip(), limit)
