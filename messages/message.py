"""What every render function returns: Block Kit blocks and the plain-text fallback."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from messages.blocks import MAX_TEXT_FALLBACK, Block, clip


@dataclass(frozen=True, slots=True)
class Message:
    text: str
    blocks: list[Block] = field(default_factory=list)

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for chat.postMessage, ack(), respond() and the like."""
        return {"text": clip(self.text, MAX_TEXT_FALLBACK), "blocks": self.blocks}
