"""Block Kit built in Python, within Slack's limits so a message is never refused.

What the bot reports (a link, a vote, a name, a reason) is never clipped to fit: a long text is
split over more sections, between lines, else between words, never inside a `<…>` link or
mention. `clip` is for labels the bot itself writes (buttons, titles of dialogs).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

Block = dict[str, Any]

MAX_BLOCKS_MESSAGE = 50
MAX_BLOCKS_SURFACE = 100  # modals and the Home tab
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_BUTTON_TEXT = 75
MAX_TEXT_FALLBACK = 4000


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# A link or mention, a run of other non-space characters, or spaces: where a line may break.
_TOKEN = re.compile(r"<[^<>]*>|[^\s<]+|<|\s+")
# Less room than this left in a section is not worth breaking a line for.
_WORTH_BREAKING = 200


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, MAX_HEADER_TEXT)}}


def title(text: str) -> Block:
    """A header, or for a title too long for one (a long name), a section holding it whole:
    for what must not be cut (the vote, the announcement, the record). The header is plain
    text, so the section's mrkdwn escapes it."""
    if len(text) <= MAX_HEADER_TEXT:
        return header(text)
    return section(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def section(text: str, *, block_id: str | None = None) -> Block:
    block: Block = {
        "type": "section",
        "text": {"type": "mrkdwn", "text": clip(text, MAX_SECTION_TEXT)},
    }
    if block_id:
        block["block_id"] = block_id
    return block


def context(*texts: str) -> Block:
    return {
        "type": "context",
        "elements": [
            {"type": "mrkdwn", "text": clip(t, MAX_SECTION_TEXT)}
            for t in texts[:MAX_CONTEXT_ELEMENTS]
        ],
    }


def divider() -> Block:
    return {"type": "divider"}


def sections(text: str, *, block_id: str | None = None) -> list[Block]:
    """`text` in as many sections as it needs; `block_id` goes to the first."""
    pieces = split(text)
    return [section(t, block_id=block_id if n == 0 else None) for n, t in enumerate(pieces)]


def split(text: str, limit: int = MAX_SECTION_TEXT) -> list[str]:
    """`text` in pieces of at most `limit` characters, broken between lines where it can be."""
    return pack(text.split("\n"), limit, fill=True) if text else []


def pack(
    chunks: Iterable[str], limit: int = MAX_SECTION_TEXT, sep: str = "\n", *, fill: bool = False
) -> list[str]:
    """Join chunks into as few texts as fit `limit` each; a chunk too long for one is broken
    between words, never inside a link. With `fill`, a chunk that does not fit what is left of
    a text is broken to fill it, so a long record needs as few blocks as its length does."""
    texts: list[str] = []
    current = ""
    for chunk in chunks:
        rest = chunk
        while rest:
            room = limit - len(current) - (len(sep) if current else 0)
            if len(rest) <= room:
                current = f"{current}{sep}{rest}" if current else rest
                break
            worth = not current or (fill and room >= min(_WORTH_BREAKING, limit // 4))
            head, rest = _take(rest, room) if worth else ("", rest)
            if head:
                current = f"{current}{sep}{head}" if current else head
            if current:
                texts.append(current)
                current = ""
            else:  # not one word fits an empty text: a word longer than a section
                texts.append(rest[:limit])
                rest = rest[limit:]
    if current:
        texts.append(current)
    return texts


def _take(text: str, room: int) -> tuple[str, str]:
    """As many of `text`'s lines as fit `room`, the next one broken between words to fill
    it, and the rest."""
    lines = text.split("\n")
    head: list[str] = []
    used = 0
    for n, line in enumerate(lines):
        need = len(line) + (1 if head else 0)
        if used + need <= room:
            head.append(line)
            used += need
            continue
        part, rest = _break(line, room - used - (1 if head else 0))
        if part:
            head.append(part)
        return "\n".join(head), "\n".join([rest, *lines[n + 1 :]] if rest else lines[n + 1 :])
    return "\n".join(head), ""


def _break(line: str, room: int) -> tuple[str, str]:
    """The words of `line` that fit `room`, and the rest; the rest of a quote stays quoted."""
    tokens = _TOKEN.findall(line)
    head = ""
    for n, token in enumerate(tokens):
        if len(head) + len(token) > room:
            if head.strip() in ("", ">"):
                return "", line  # not even a word of it fits
            rest = "".join(tokens[n:]).lstrip()
            prefix = "> " if line.startswith("> ") and rest else ""
            return head.rstrip(), prefix + rest
        head += token
    return head.rstrip(), ""


def fit(blocks: Sequence[Block], limit: int = MAX_BLOCKS_MESSAGE) -> list[Block]:
    """Keep the first blocks and say that the rest is cut, rather than have Slack refuse it all.

    Only for what is a view of something kept in full elsewhere (a status, a reminder); what
    the bot reports is packed to fit instead."""
    if len(blocks) <= limit:
        return list(blocks)
    return [*blocks[: limit - 1], context("…")]
