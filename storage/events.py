"""Which Slack events were processed: Slack retries an event it thinks went unanswered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.db import insert_if_absent
from storage.models import SlackEvent


def first_delivery(*, session: Session, event_id: str, team_id: str, now: datetime) -> bool:
    """Record the event; False if it was recorded before (this is a redelivery)."""
    return insert_if_absent(
        session,
        SlackEvent,
        col(SlackEvent.event_id),
        event_id=event_id,
        team_id=team_id,
        received_at=now,
    )


def forget(*, session: Session, event_id: str) -> None:
    """Processing failed: let Slack's retry through."""
    session.execute(delete(SlackEvent).where(col(SlackEvent.event_id) == event_id))


def forget_before(*, session: Session, before: datetime, limit: int) -> int:
    """Slack retries within minutes; ids older than `before` need not be kept."""
    old = select(SlackEvent.event_id).where(col(SlackEvent.received_at) < before).limit(limit)
    result = session.execute(delete(SlackEvent).where(col(SlackEvent.event_id).in_(old)))
    return result.rowcount  # type: ignore[attr-defined, no-any-return]
