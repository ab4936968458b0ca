"""What the outbox tells a test: the key a posted message came from."""

from __future__ import annotations

from bot.emulator import Message


def outbox_key(message: Message) -> str:
    """The outbox key a message the bot posted carries in its metadata ("" if none)."""
    payload = (message.metadata or {}).get("event_payload") or {}
    return str(payload.get("key", ""))
