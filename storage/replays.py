"""Which signed Slack requests were handled: a request played again must change nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.driver import Cursor, Sql, Tx
from storage.models import SlackRequest

# On the ack's path of every command and click: on the driver (storage.driver). One
# statement, so two copies at once make one row: the second waits for the first's commit,
# then inserts nothing.
_CLAIM = Sql(
    """INSERT INTO slack_request (key, kind, team_id, received_at) VALUES (%s, %s, %s, %s)
    ON CONFLICT DO NOTHING RETURNING key"""
)
_SEEN = Sql("SELECT 1 FROM slack_request WHERE key = %s")


def first_time(*, session: Tx, key: str, kind: str, team_id: str, now: datetime) -> bool:
    """Record the request; False if it was recorded before (this is a replay)."""
    return Cursor.of(session).row(_CLAIM, (key, kind, team_id, now)) is not None


def seen(*, cursor: Cursor, key: str) -> bool:
    """Whether the request was remembered before."""
    return cursor.row(_SEEN, (key,)) is not None


def forget(*, session: Session, key: str) -> None:
    """Handling failed, so nothing was applied: the same request may try again."""
    session.execute(delete(SlackRequest).where(col(SlackRequest.key) == key))


def forget_before(*, session: Session, before: datetime, limit: int) -> int:
    """A signature is good for five minutes; keys older than `before` cannot be replayed."""
    old = select(SlackRequest.key).where(col(SlackRequest.received_at) < before).limit(limit)
    result = session.execute(delete(SlackRequest).where(col(SlackRequest.key).in_(old)))
    return result.rowcount  # type: ignore[attr-defined, no-any-return]
