"""What every render function returns: Block Kit blocks and the plain-text fallback."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from messages.blocks import MAX_TEXT_FALLBACK, Block, clip, split


@dataclass(frozen=True, slots=True)
class Message:
    text: str
    blocks: list[Block] = field(default_factory=list)

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for chat.postMessage, ack(), respond() and the like.

        The text is the notification's preview of what the blocks show in full: a long one
        ends at a line or word, never inside a link, and says that it goes on.
        """
        if len(self.text) <= MAX_TEXT_FALLBACK or not self.blocks:
            return {"text": clip(self.text, MAX_TEXT_FALLBACK), "blocks": self.blocks}
        preview = split(self.text, MAX_TEXT_FALLBACK - 2)[0]
        return {"text": preview + " …", "blocks": self.blocks}
