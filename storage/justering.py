"""The record's versions, justeringar and rättelser: rows beside the immutable vote record.

A version is sealed (checksum, canonical JSON, justerat_at) by a conditional UPDATE `WHERE` it
is still unsealed, so two last clicks of *Justera* in parallel seal it once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models import Project, Vote
from storage.record_tables import RecordCorrection, RecordJustering, RecordVersion


def versions(*, session: Session, vote_id: int) -> list[RecordVersion]:
    query = select(RecordVersion).where(RecordVersion.vote_id == vote_id)
    return list(session.exec(query.order_by(col(RecordVersion.version))))


def current(*, session: Session, vote_id: int) -> RecordVersion | None:
    found = versions(session=session, vote_id=vote_id)
    return found[-1] if found else None


def begin(*, session: Session, version: RecordVersion) -> None:
    session.add(version)
    session.flush()


def justeringar(*, session: Session, vote_id: int) -> list[RecordJustering]:
    query = select(RecordJustering).where(RecordJustering.vote_id == vote_id)
    return list(session.exec(query.order_by(col(RecordJustering.id))))


def add_justering(*, session: Session, justering: RecordJustering) -> None:
    session.add(justering)
    session.flush()


def corrections(*, session: Session, vote_id: int) -> list[RecordCorrection]:
    query = select(RecordCorrection).where(RecordCorrection.vote_id == vote_id)
    return list(session.exec(query.order_by(col(RecordCorrection.id))))


def add_correction(*, session: Session, correction: RecordCorrection) -> None:
    session.add(correction)
    session.flush()


def seal(*, session: Session, version_id: int, at: datetime, checksum: str, canonical: str) -> bool:
    """Seal an unsealed version; False when another request sealed it first."""
    query = (
        update(RecordVersion)
        .where(col(RecordVersion.id) == version_id, col(RecordVersion.justerat_at).is_(None))
        .values(justerat_at=at, checksum=checksum, canonical=canonical, remind_at=None)
    )
    return bool(session.execute(query).rowcount)  # type: ignore[attr-defined]


def claim_due_reminders(*, session: Session, now: datetime, limit: int) -> list[RecordVersion]:
    """Unsealed versions whose reminder is due, claimed (`SKIP LOCKED` on PostgreSQL)."""
    query = (
        select(RecordVersion)
        .where(
            col(RecordVersion.remind_at).is_not(None),
            col(RecordVersion.remind_at) <= now,
            col(RecordVersion.justerat_at).is_(None),
        )
        .order_by(col(RecordVersion.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.exec(query))


def waiting_for(*, session: Session, team_id: str, user_id: str) -> list[Vote]:
    """Closed votes of the workspace whose record has an unsealed version `user_id` justerar."""
    query = (
        select(Vote)
        .join(RecordVersion, col(RecordVersion.vote_id) == col(Vote.id))
        .join(Project, col(Project.id) == col(Vote.project_id))
        .where(
            Project.team_id == team_id,
            col(RecordVersion.justerat_at).is_(None),
            (col(RecordVersion.chair_id) == user_id) | (col(RecordVersion.adjuster_id) == user_id),
        )
        .order_by(col(Vote.id))
    )
    found: dict[int | None, Vote] = {v.id: v for v in session.exec(query)}
    return list(found.values())
