"""Block Kit built in Python, trimmed to Slack's limits so a message is never refused."""

from __future__ import annotations

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


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, MAX_HEADER_TEXT)}}


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


def pack(chunks: Iterable[str], limit: int = MAX_SECTION_TEXT, sep: str = "\n") -> list[str]:
    """Join chunks into as few texts as fit `limit` each, never splitting a chunk unless alone."""
    texts: list[str] = []
    current = ""
    for chunk in chunks:
        candidate = f"{current}{sep}{chunk}" if current else chunk
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            texts.append(current)
        current = clip(chunk, limit)
    if current:
        texts.append(current)
    return texts


def fit(blocks: Sequence[Block], limit: int = MAX_BLOCKS_MESSAGE) -> list[Block]:
    """Keep the first blocks and say that the rest is cut, rather than have Slack refuse it all."""
    if len(blocks) <= limit:
        return list(blocks)
    return [*blocks[: limit - 1], context("…")]
