"""The audit log: one row per change, who and when, before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.models import AuditEntry


def record(
    *,
    session: Session,
    team_id: str,
    project_id: int | None,
    actor_id: str,
    action: str,
    target: str,
    before: Any,
    after: Any,
    now: datetime,
) -> int:
    """Append an entry and return its id, which names the change in outbox keys."""
    entry = AuditEntry(
        team_id=team_id,
        project_id=project_id,
        actor_id=actor_id,
        action=action,
        target=target,
        before=before,
        after=after,
        at=now,
    )
    session.add(entry)
    session.flush()
    assert entry.id is not None
    return entry.id


def entries_of(*, session: Session, project_id: int) -> list[AuditEntry]:
    return list(
        session.exec(
            select(AuditEntry)
            .where(AuditEntry.project_id == project_id)
            .order_by(col(AuditEntry.id))
        )
    )
