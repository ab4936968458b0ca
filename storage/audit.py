"""The audit log: one row per change, who and when, before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.driver import Cursor, Sql, Tx, json_text
from storage.models import AuditEntry

# Every change writes one, on the ack's path: on the driver (storage.driver).
_RECORD = Sql(
    """INSERT INTO audit_entry (team_id, project_id, actor_id, action, target, before, after,
    at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id"""
)


def record(
    *,
    session: Tx,
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
    found = Cursor.of(session).row(
        _RECORD,
        (team_id, project_id, actor_id, action, target, json_text(before), json_text(after), now),
    )
    assert found is not None
    return int(found[0])


def entries_of(*, session: Session, project_id: int) -> list[AuditEntry]:
    return list(
        session.exec(
            select(AuditEntry)
            .where(AuditEntry.project_id == project_id)
            .order_by(col(AuditEntry.id))
        )
    )
