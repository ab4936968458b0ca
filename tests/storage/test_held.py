"""On PostgreSQL the statements on the driver run on a connection held by their thread
(storage.held): never shared with another thread or with a use still open, renewed everywhere
when the server drops one, replaced when old, and closed when its thread ends."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage import outbox
from storage.db import Database, make_engine, upgrade
from storage.driver import Sql
from storage.held import HeldConnections
from tests.support.databases import drop_connections, fresh_postgres_database

NOW = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
BACKEND = Sql("SELECT pg_backend_pid()")
QUEUED = Sql("SELECT count(*) FROM outbox")
EVENT = {"key": "k1", "team_id": "T1", "kind": "home_refresh", "target": "U1", "payload": {}}

pytestmark = pytest.mark.postgres


@pytest.fixture
def database_url() -> Iterator[str]:
    """PostgreSQL's alone: on SQLite the driver's statements run in sessions, nothing held."""
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database.from_url(database_url)
    upgrade(database.engine)
    yield database
    database.dispose()


def _in_thread(work: Callable[[], object]) -> object:
    found: list[object] = []
    thread = threading.Thread(target=lambda: found.append(work()))
    thread.start()
    thread.join(10)
    return found[0]


def _backend(db: Database) -> int:
    with db.driver_reading() as cursor:
        found = cursor.row(BACKEND)
    assert found is not None
    return int(found[0])


def _backends(url: str) -> int:
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            return int(
                connection.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE datname = :name"),
                    {"name": make_url(url).database},
                ).scalar_one()
            )
    finally:
        admin.dispose()


def test_each_thread_keeps_its_own_connection(db: Database) -> None:
    mine = _backend(db)
    assert _backend(db) == mine
    assert _in_thread(lambda: _backend(db)) != mine


def test_a_read_inside_a_transaction_does_not_join_it(db: Database) -> None:
    with db.driver_transaction() as cursor:
        outbox.enqueue_many(session=cursor, events=[EVENT], now=NOW)
        assert cursor.row(QUEUED) == (1,)
        with db.driver_reading() as other:  # not yet committed: not seen from outside
            assert other.row(QUEUED) == (0,)
    with db.driver_reading() as cursor:
        assert cursor.row(QUEUED) == (1,)


def test_a_dropped_connection_fails_one_request_not_one_per_thread(
    db: Database, database_url: str
) -> None:
    _backend(db)
    _in_thread(lambda: _backend(db))
    assert drop_connections(database_url) >= 2
    with pytest.raises(Exception, match=r"terminat|lost|closed"):
        _backend(db)
    # The other thread's connection was cut too, and is replaced before it is used.
    assert isinstance(_in_thread(lambda: _backend(db)), int)
    with db.session() as session:  # the pools learnt of it as well
        assert session.execute(text("SELECT 1")).scalar_one() == 1


def test_a_threads_connection_is_closed_when_the_thread_ends(
    db: Database, database_url: str
) -> None:
    _backend(db)
    before = _backends(database_url)
    _in_thread(lambda: _backend(db))
    gc.collect()
    assert _backends(database_url) == before


def test_a_connection_older_than_the_recycle_age_is_replaced(database_url: str) -> None:
    now = [0.0]
    engine = make_engine(database_url, isolation_level="AUTOCOMMIT")
    held = HeldConnections(
        engine, recycle=600, most=4, on_broken=lambda: None, clock=lambda: now[0]
    )

    def backend() -> int:
        with held.use() as connection:
            return int(connection.execute("SELECT pg_backend_pid()").fetchone()[0])

    try:
        first = backend()
        now[0] = 599
        assert backend() == first
        now[0] = 601
        assert backend() != first
    finally:
        held.close()
        engine.dispose()


def test_threads_beyond_the_bound_take_pooled_connections(database_url: str) -> None:
    engine = make_engine(database_url, isolation_level="AUTOCOMMIT")
    held = HeldConnections(engine, recycle=600, most=1, on_broken=lambda: None)

    def backend() -> int:
        with held.use() as connection:
            return int(connection.execute("SELECT pg_backend_pid()").fetchone()[0])

    try:
        mine = backend()
        others = {_in_thread(backend) for _ in range(3)}
        assert mine not in others  # the one held stays this thread's alone
        assert backend() == mine
    finally:
        held.close()
        engine.dispose()
