"""Which Slack events were processed: Slack retries an event it thinks went unanswered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.models import SlackEvent


def first_delivery(*, session: Session, event_id: str, team_id: str, now: datetime) -> bool:
    """Record the event; False if it was recorded before (this is a redelivery)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # RETURNING rather than rowcount: through the ORM session an INSERT's rowcount is -1 on
    # PostgreSQL; a returned row is the one sure sign that this insert happened.
    inserted = session.execute(
        insert(SlackEvent)
        .values(event_id=event_id, team_id=team_id, received_at=now)
        .on_conflict_do_nothing()
        .returning(col(SlackEvent.event_id))
    ).first()
    return inserted is not None


def forget(*, session: Session, event_id: str) -> None:
    """Processing failed: let Slack's retry through."""
    session.execute(delete(SlackEvent).where(col(SlackEvent.event_id) == event_id))


def forget_before(*, session: Session, before: datetime, limit: int) -> int:
    """Slack retries within minutes; ids older than `before` need not be kept."""
    old = select(SlackEvent.event_id).where(col(SlackEvent.received_at) < before).limit(limit)
    result = session.execute(delete(SlackEvent).where(col(SlackEvent.event_id).in_(old)))
    return result.rowcount  # type: ignore[attr-defined, no-any-return]
