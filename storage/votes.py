"""Votes and ballots. Closing is one conditional UPDATE, so a vote closes exactly once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from storage.driver import Cursor, Sql
from storage.models import Project, Reservation, Vote

OPEN, CLOSED = "open", "closed"


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def add_vote(*, session: Session, vote: Vote) -> Vote:
    session.add(vote)
    session.flush()
    return vote


def open_vote(*, session: Session, project_id: int, milestone: str) -> Vote | None:
    return session.exec(
        select(Vote).where(
            Vote.project_id == project_id, Vote.milestone == milestone, Vote.status == OPEN
        )
    ).first()


def latest_vote(*, session: Session, project_id: int) -> Vote | None:
    return session.exec(
        select(Vote).where(Vote.project_id == project_id).order_by(col(Vote.id).desc())
    ).first()


def latest_closed(*, session: Session, project_id: int) -> Vote | None:
    return session.exec(
        select(Vote)
        .where(Vote.project_id == project_id, Vote.status == CLOSED)
        .order_by(col(Vote.id).desc())
    ).first()


def latest_closed_id(*, session: Session, project_id: int) -> int | None:
    """Only the id: the vote row carries its whole record, which a status does not need."""
    found: int | None = session.execute(
        select(col(Vote.id))
        .where(Vote.project_id == project_id, Vote.status == CLOSED)
        .order_by(col(Vote.id).desc())
        .limit(1)
    ).scalar()
    return found


def latest_closed_in_channel(*, session: Session, team_id: str, channel_id: str) -> Vote | None:
    return session.exec(
        select(Vote)
        .join(Project, col(Project.id) == col(Vote.project_id))
        .where(Project.team_id == team_id, Vote.channel_id == channel_id, Vote.status == CLOSED)
        .order_by(col(Vote.id).desc())
    ).first()


def open_vote_in_channel(*, session: Session, team_id: str, channel_id: str) -> Vote | None:
    """The open vote held in `channel_id` (a steering group channel), if there is one."""
    return session.exec(
        select(Vote)
        .join(Project, col(Project.id) == col(Vote.project_id))
        .where(Project.team_id == team_id, Vote.channel_id == channel_id, Vote.status == OPEN)
        .order_by(col(Vote.id).desc())
    ).first()


def vote_with_project(
    *, session: Session, vote_id: int, lock: bool = False
) -> tuple[Vote, Project] | None:
    """The vote and its project; `lock` takes the vote's row lock in the same statement on
    PostgreSQL, so that ballots and the close of one vote are serialised (on SQLite the
    writer lock does it, and SQLAlchemy writes no FOR UPDATE there)."""
    query = (
        select(Vote, Project)
        .join(Project, col(Project.id) == col(Vote.project_id))
        .where(Vote.id == vote_id)
    )
    row = session.exec(query.with_for_update(of=Vote) if lock else query).first()
    return None if row is None else (row[0], row[1])


# A vote click reads and writes these: on the driver (storage.driver).
_BALLOTS = Sql("SELECT user_id, choice FROM ballot WHERE vote_id = %s")
_PUT_BALLOT = Sql(
    """INSERT INTO ballot (vote_id, user_id, choice, cast_at) VALUES (%s, %s, %s, %s)
    ON CONFLICT (vote_id, user_id) DO UPDATE SET choice = excluded.choice,
    cast_at = excluded.cast_at"""
)


def ballots(*, session: Session, vote_id: int) -> dict[str, str]:
    return {user: choice for user, choice in Cursor.of(session).rows(_BALLOTS, (vote_id,))}


def put_ballot(*, session: Session, vote_id: int, user_id: str, choice: str, now: datetime) -> None:
    """Insert or replace the member's current ballot; the unique key keeps it one per member."""
    Cursor.of(session).run(_PUT_BALLOT, (vote_id, user_id, str(choice), now))


def close(*, session: Session, vote_id: int, values: dict[str, Any]) -> bool:
    """Close the vote if it is still open. True for the one caller that closed it."""
    result = session.execute(
        update(Vote)
        .where(col(Vote.id) == vote_id, col(Vote.status) == OPEN)
        .values(status=CLOSED, **values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]


def set_message(*, session: Session, vote_id: int, ts: str) -> None:
    session.execute(
        update(Vote)
        .where(col(Vote.id) == vote_id, col(Vote.message_ts).is_(None))
        .values(message_ts=ts)
    )


def claim_due(*, session: Session, column: str, now: datetime, limit: int) -> list[Vote]:
    """Open votes whose `deadline` or `remind_at` has come, locked for this ticker."""
    at = col(getattr(Vote, column))
    query = (
        select(Vote).where(Vote.status == OPEN, at <= now).order_by(at, col(Vote.id)).limit(limit)
    )
    if _postgres(session):
        query = query.with_for_update(skip_locked=True)
    return list(session.exec(query))


def reservations(*, session: Session, vote_id: int) -> list[Reservation]:
    query = select(Reservation).where(Reservation.vote_id == vote_id).order_by(col(Reservation.id))
    return list(session.exec(query))


def add_reservation(*, session: Session, reservation: Reservation) -> None:
    session.add(reservation)
    session.flush()


def votes_of(*, session: Session, project_id: int) -> list[Vote]:
    return list(
        session.exec(select(Vote).where(Vote.project_id == project_id).order_by(col(Vote.id)))
    )


def open_count(*, session: Session) -> int:
    """Votes open now, across every project: a gauge for the operator."""
    return session.exec(select(func.count()).select_from(Vote).where(Vote.status == OPEN)).one()
