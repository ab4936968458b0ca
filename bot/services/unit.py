"""A unit of work: one transaction, retried when a concurrent request won a race.

Shared by the use cases: the transaction with its retry, the project of a channel, the audit
entry of a change, and queueing what must be sent in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.domain.errors import DomainError, ErrorCode
from bot.services import replays
from bot.services.context import Actor, Services
from bot.services.outbox_events import Outgoing
from storage import audit, projects
from storage import outbox as queue
from storage.models import Activity, Project, Vote
from storage.projects import ProjectHead
from storage.votes import VoteRow

T = TypeVar("T")
MAX_ATTEMPTS = 3


@contextmanager
def writing(services: Services) -> Iterator[Session]:
    """The transaction of a request's change; its first statement remembers the request, so a
    replay of it raises `Replayed` (bot/services/replays.py)."""
    with services.db.session() as session:
        claim = replays.claim(session, services.clock())
        yield session
    if claim is not None:  # committed: the request is remembered
        claim.taken = True


def transaction(services: Services, work: Callable[[Session], T]) -> T:
    """Run `work` in a transaction, again if a concurrent request won a race on a unique key."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            with writing(services) as session:
                return work(session)
        except (IntegrityError, Raced):
            if attempt == MAX_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


class Raced(Exception):
    """The row changed between our read and our write; the retry sees the new state."""


def project_of_channel(session: Session, actor: Actor, channel_id: str) -> Project:
    project = projects.project_in_channel(
        session=session, team_id=actor.team_id, channel_id=channel_id
    )
    if project is None:
        raise DomainError(ErrorCode.NO_PROJECT)
    return project


def row_id(row: Project | Activity | Vote | ProjectHead | VoteRow) -> int:
    assert row.id is not None
    return row.id


def record_change(
    services: Services,
    session: Session,
    actor: Actor,
    project: Project | ProjectHead,
    action: str,
    target: str,
    before: Any,
    after: Any,
) -> int:
    """The audit entry of a change, in the caller's transaction; its id names the change."""
    return audit.record(
        session=session,
        team_id=actor.team_id,
        project_id=row_id(project),
        actor_id=actor.user_id,
        action=action,
        target=target,
        before=before,
        after=after,
        now=services.clock(),
    )


def enqueue(session: Session, now: datetime, *events: Outgoing) -> None:
    """Queue what must be sent, in the caller's transaction; a key that exists adds nothing."""
    queue.enqueue_many(session=session, events=[e.row() for e in events], now=now)
