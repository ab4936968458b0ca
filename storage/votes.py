"""Votes and ballots. Closing is one conditional UPDATE, so a vote closes exactly once."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from storage.driver import Cursor, Sql, Tx, json_value, utc
from storage.models import VOTE_CLOSED, VOTE_OPEN, Project, Reservation, Vote
from storage.project_rows import ProjectHead, head_of

OPEN, CLOSED = VOTE_OPEN, VOTE_CLOSED


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


class VoteRow(NamedTuple):
    """What a vote's view reads of its row (bot.services.votes.view_of), as plain values."""

    id: int
    project_id: int
    milestone: str
    status: str
    channel_id: str
    message_ts: str | None
    members: Any
    chair_id: str | None
    opened_by: str
    opened_at: datetime
    deadline: datetime
    closed_at: datetime | None
    closed_by: str | None
    close_reason: str | None
    substitutes: Any
    coopted: Any
    presenter_id: str | None
    proposal: str | None
    referral: Any


_VOTE_WITH_HEAD = """SELECT project.id, project.team_id, project.name, project.channel_id,
    project.lead_id, project.created_at, project.phase_key, project.chair_id,
    project.adjuster_id, vote.id, vote.project_id, vote.milestone, vote.status, vote.channel_id,
    vote.message_ts, vote.members, vote.chair_id, vote.opened_by, vote.opened_at, vote.deadline,
    vote.closed_at, vote.closed_by, vote.close_reason, vote.substitutes, vote.coopted,
    vote.presenter_id, vote.proposal, vote.referral
    FROM vote JOIN project ON project.id = vote.project_id WHERE vote.id = %s"""
_READ_VOTE = Sql(_VOTE_WITH_HEAD)
# The row lock serialises one vote's ballots and its close on PostgreSQL; on SQLite the
# writer's lock does.
_LOCK_VOTE = Sql(_VOTE_WITH_HEAD + " FOR UPDATE OF vote", sqlite=_VOTE_WITH_HEAD)


def vote_row_with_head(
    *, session: Tx, vote_id: int, lock: bool = False
) -> tuple[VoteRow, ProjectHead] | None:
    """The vote and its project as plain rows, on the driver: what a click and a redraw read
    (vote_with_project gives the ORM's objects, for what changes them)."""
    found = Cursor.of(session).row(_LOCK_VOTE if lock else _READ_VOTE, (vote_id,))
    return None if found is None else (_vote_row(found[9:]), head_of(found))


class SubjectRow(NamedTuple):
    """What a ballot's receipt needs: what the vote is about, and the voter's stored ballot."""

    project_name: str
    phase_key: str
    channel_id: str
    ballot: str | None


_SUBJECT = Sql(
    """SELECT project.name, project.phase_key, vote.channel_id,
    (SELECT ballot.choice FROM ballot WHERE ballot.vote_id = vote.id AND ballot.user_id = %s)
    FROM vote JOIN project ON project.id = vote.project_id WHERE vote.id = %s"""
)


def vote_subject(*, cursor: Cursor, vote_id: int, voter: str) -> SubjectRow | None:
    found = cursor.row(_SUBJECT, (voter, vote_id))
    return None if found is None else SubjectRow(*found)


_OPEN_IN_TEAM = Sql(
    _VOTE_WITH_HEAD.replace("WHERE vote.id = %s", "WHERE project.team_id = %s AND vote.status = %s")
    + " ORDER BY vote.deadline, vote.id"
)


def open_votes_of_team(*, session: Tx, team_id: str) -> list[tuple[VoteRow, ProjectHead]]:
    """Every open vote in the workspace, with its project, as plain rows (each Home tab asks)."""
    found = Cursor.of(session).rows(_OPEN_IN_TEAM, (team_id, OPEN))
    return [(_vote_row(row[9:]), head_of(row)) for row in found]


def _vote_row(row: tuple[Any, ...]) -> VoteRow:
    (vid, pid, milestone, status, channel, ts, members, chair, opened_by, opened_at) = row[:10]
    closed_at, closed_by, reason, substitutes, coopted, presenter, proposal, referral = row[11:]
    opened, deadline = utc(opened_at), utc(row[10])
    assert opened is not None and deadline is not None
    return VoteRow(
        vid,
        pid,
        milestone,
        status,
        channel,
        ts,
        json_value(members),
        chair,
        opened_by,
        opened,
        deadline,
        utc(closed_at),
        closed_by,
        reason,
        json_value(substitutes),
        json_value(coopted),
        presenter,
        proposal,
        json_value(referral),
    )


# A vote click reads and writes these: on the driver (storage.driver).
_BALLOTS = Sql("SELECT user_id, choice FROM ballot WHERE vote_id = %s")
_PUT_BALLOT = Sql(
    """INSERT INTO ballot (vote_id, user_id, choice, cast_at) VALUES (%s, %s, %s, %s)
    ON CONFLICT (vote_id, user_id) DO UPDATE SET choice = excluded.choice,
    cast_at = excluded.cast_at"""
)


def ballots(*, session: Tx, vote_id: int) -> dict[str, str]:
    return {user: choice for user, choice in Cursor.of(session).rows(_BALLOTS, (vote_id,))}


def put_ballot(*, session: Tx, vote_id: int, user_id: str, choice: str, now: datetime) -> None:
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
