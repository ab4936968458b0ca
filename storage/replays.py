"""Which signed Slack requests were handled: a request played again must change nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.db import insert_if_absent
from storage.models import SlackRequest


def first_time(*, session: Session, key: str, kind: str, team_id: str, now: datetime) -> bool:
    """Record the request; False if it was recorded before (this is a replay)."""
    return insert_if_absent(
        session,
        SlackRequest,
        col(SlackRequest.key),
        key=key,
        kind=kind,
        team_id=team_id,
        received_at=now,
    )


def seen(*, session: Session, key: str) -> bool:
    """Whether the request was remembered before."""
    found = session.execute(select(SlackRequest.key).where(col(SlackRequest.key) == key))
    return found.first() is not None


def forget(*, session: Session, key: str) -> None:
    """Handling failed, so nothing was applied: the same request may try again."""
    session.execute(delete(SlackRequest).where(col(SlackRequest.key) == key))


def forget_before(*, session: Session, before: datetime, limit: int) -> int:
    """A signature is good for five minutes; keys older than `before` cannot be replayed."""
    old = select(SlackRequest.key).where(col(SlackRequest.received_at) < before).limit(limit)
    result = session.execute(delete(SlackRequest).where(col(SlackRequest.key).in_(old)))
    return result.rowcount  # type: ignore[attr-defined, no-any-return]
