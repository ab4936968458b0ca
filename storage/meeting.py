"""Jäv questions, förhinder and protokollsanteckningar of a vote, and the domain values they are.

One jäv question per member and vote (a unique key); a ruling is a conditional UPDATE (`WHERE`
the question is still unruled), so two clicks of *Jävig* and *Inte jävig* make one ruling.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.domain.jav import Jav, JavGround, Ruling
from bot.domain.seats import Forhinder
from storage.driver import Cursor, Sql, Tx, utc
from storage.models import Absence, JavQuestion, Project, RecordNote


def as_jav(row: JavQuestion) -> Jav:
    ruling = None
    if row.ruled_javig is not None and row.ruled_by is not None and row.ruled_at is not None:
        ruling = Ruling(javig=row.ruled_javig, by=row.ruled_by, at=row.ruled_at)
    ground = JavGround(row.ground) if row.ground else None
    return Jav(row.member, ground, row.motivation, row.raised_by, row.at, ruling)


def question(*, session: Session, vote_id: int, member: str) -> JavQuestion | None:
    query = select(JavQuestion).where(JavQuestion.vote_id == vote_id, JavQuestion.member == member)
    return session.exec(query).first()


def held_for_next(*, session: Session, project_id: int) -> list[JavQuestion]:
    """Declarations made while no vote was open, waiting for the project's next vote."""
    query = select(JavQuestion).where(
        JavQuestion.project_id == project_id, col(JavQuestion.vote_id).is_(None)
    )
    return list(session.exec(query.order_by(col(JavQuestion.id))))


def put_question(*, session: Session, row: JavQuestion) -> JavQuestion:
    session.add(row)
    session.flush()
    return row


def rule(*, session: Session, question_id: int, javig: bool, by: str, at: datetime) -> bool:
    """Rule once: True for the one caller whose ruling was stored."""
    result = session.execute(
        update(JavQuestion)
        .where(col(JavQuestion.id) == question_id, col(JavQuestion.ruled_javig).is_(None))
        .values(ruled_javig=javig, ruled_by=by, ruled_at=at)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]


def absences(*, session: Tx, vote_id: int) -> list[Forhinder]:
    found = Cursor.of(session).rows(_ABSENCES, (vote_id,))
    return [Forhinder(member, row_at(at)) for member, at in found]


def javs(*, session: Tx, vote_id: int) -> list[Jav]:
    """The vote's jäv questions as the domain's values (what a vote's view needs of them)."""
    return [jav for _, jav in jav_questions(session=session, vote_id=vote_id)]


def jav_questions(*, session: Tx, vote_id: int) -> list[tuple[int, Jav]]:
    """The vote's jäv questions by their ids, as the domain's values, on the driver."""
    return [(row[0], jav_of(row[1:])) for row in Cursor.of(session).rows(_JAVS, (vote_id,))]


def jav_of(row: Sequence[Any]) -> Jav:
    """A jäv question from its columns as _JAVS selects them after the id."""
    member, ground, motivation, raised_by, at, javig, by, ruled_at = row
    ruling = None
    if javig is not None and by is not None and ruled_at is not None:
        ruling = Ruling(javig=bool(javig), by=by, at=row_at(ruled_at))
    grounds = JavGround(ground) if ground else None
    return Jav(member, grounds, motivation, raised_by, row_at(at), ruling)


def row_at(value: object) -> datetime:
    """A stored moment that is never NULL, as each driver gives it."""
    found = utc(value)
    assert found is not None
    return found


# A vote click's view reads these: on the driver (storage.driver).
_ABSENCES = Sql("SELECT member, at FROM forhinder WHERE vote_id = %s ORDER BY id")
_JAVS = Sql(
    """SELECT id, member, ground, motivation, raised_by, at, ruled_javig, ruled_by, ruled_at
    FROM jav WHERE vote_id = %s ORDER BY id"""
)


def add_absence(*, session: Session, vote_id: int, member: str, at: datetime) -> None:
    session.add(Absence(vote_id=vote_id, member=member, at=at))
    session.flush()


def notes(*, session: Session, vote_id: int) -> list[RecordNote]:
    query = select(RecordNote).where(RecordNote.vote_id == vote_id).order_by(col(RecordNote.id))
    return list(session.exec(query))


def add_note(*, session: Session, vote_id: int, user_id: str, text: str, at: datetime) -> None:
    session.add(RecordNote(vote_id=vote_id, user_id=user_id, text=text, at=at))
    session.flush()


def project_for(*, session: Session, team_id: str, channel_id: str) -> Project | None:
    """The project of a channel, or the one whose steering group votes there."""
    own = session.exec(
        select(Project).where(Project.team_id == team_id, Project.channel_id == channel_id)
    ).first()
    if own is not None:
        return own
    query = select(Project).where(Project.team_id == team_id, Project.vote_channel_id == channel_id)
    return session.exec(query.order_by(col(Project.id))).first()
