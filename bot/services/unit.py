"""A unit of work: one transaction, retried when a concurrent request won a race.

Shared by the use cases: the transaction with its retry, the project of a channel, the audit
entry of a change, and queueing what must be sent in the same transaction.

The commonest writes (a status change, a ballot) send every statement on the driver
(storage.driver), so they run in `driver_transaction`, with no session around them: a
session's begin, pool checkout, flush checks and commit were a tenth of a change's CPU. A
change that finds it needs the ORM after all (the ballot that closes the vote) raises
`NeedsSession`, and runs again in a session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
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
from storage.driver import Cursor, Tx
from storage.models import Activity, Project, Vote
from storage.project_rows import ProjectHead
from storage.votes import VoteRow

T = TypeVar("T")
X = TypeVar("X", Session, Cursor)  # a transaction: storage.driver.Tx
MAX_ATTEMPTS = 3


@contextmanager
def writing(services: Services) -> Iterator[Session]:
    """The transaction of a request's change; its first statement remembers the request, so a
    replay of it raises `Replayed` (bot/services/replays.py)."""
    with _claiming(services, services.db.session()) as session:
        yield session


@contextmanager
def _claiming(services: Services, opened: AbstractContextManager[X]) -> Iterator[X]:
    with opened as tx:
        claim = replays.claim(tx, services.clock())
        yield tx
    if claim is not None:  # committed: the request is remembered
        claim.taken = True


def transaction(services: Services, work: Callable[[Session], T]) -> T:
    """Run `work` in a transaction, again if a concurrent request won a race on a unique key."""
    return _retried(lambda: writing(services), work)


def driver_transaction(services: Services, work: Callable[[Tx], T]) -> T:
    """As `transaction`, with no session unless `work` raises `NeedsSession` (then again in
    one). On SQLite it is a session's all the same (storage.db.Database.driver_transaction)."""
    try:
        return _retried(lambda: _claiming(services, services.db.driver_transaction()), work)
    except NeedsSession:  # rolled back: nothing of the first run stays
        return transaction(services, work)


def _retried(opened: Callable[[], AbstractContextManager[X]], work: Callable[[X], T]) -> T:
    for attempt in range(MAX_ATTEMPTS):
        try:
            with opened() as tx:
                return work(tx)
        except (IntegrityError, Raced):
            if attempt == MAX_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


class Raced(Exception):
    """The row changed between our read and our write; the retry sees the new state."""


class NeedsSession(Exception):
    """A change begun on the driver alone needs the ORM's objects: run it again in a session."""


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
    session: Tx,
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


def enqueue(session: Tx, now: datetime, *events: Outgoing) -> None:
    """Queue what must be sent, in the caller's transaction; a key that exists adds nothing."""
    queue.enqueue_many(session=session, events=[e.row() for e in events], now=now)
