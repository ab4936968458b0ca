"""What the outbox tells a test: the key a posted message came from, and what is still to go."""

from __future__ import annotations

from bot.emulator import Message
from storage import outbox
from storage.db import Database


def outbox_key(message: Message) -> str:
    """The outbox key a message the bot posted carries in its metadata ("" if none)."""
    payload = (message.metadata or {}).get("event_payload") or {}
    return str(payload.get("key", ""))


def undelivered(db: Database) -> int:
    """Outbox events still pending: queued, being sent, or waiting for a retry.

    Zero is the marker that nothing more will be sent: a sender settles an event only after
    Slack has answered, and a settled (sent or failed) event is never taken again.
    """
    with db.reading() as session:
        return outbox.depth(session=session)
