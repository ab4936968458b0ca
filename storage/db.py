"""The engine, sessions, and bringing the schema up to date."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Mapped
from sqlmodel import Session, create_engine

from storage.driver import Cursor
from storage.held import HeldConnections

MIGRATIONS = Path(__file__).parent / "migrations"


READ_ONLY = "forvaltningsbot_read_only"  # an execution option: begin without the write lock
RECYCLE = 600  # seconds: a connection older is replaced before an idle timeout can cut it
HELD = 16  # connections held by their threads (storage.held), as many as a pool keeps


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    """An engine tuned for the bot's workload: many short transactions from several threads."""
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    # No pre-ping: it is a round trip before every transaction, on the ack's path. A connection
    # the server dropped (a restart) fails its one request, which changes nothing, and the
    # failure makes the pool replace every connection older than it; `pool_recycle` retires
    # connections before a server's or a proxy's idle timeout can cut them. As many kept as the
    # bot's threads use at once (its request threads, the sender's workers, the tick): one
    # beyond the pool is opened and closed for each use, a new PostgreSQL backend every time.
    pool = {"pool_size": 16, "max_overflow": 16, "pool_recycle": RECYCLE, "pool_use_lifo": True}
    return create_engine(url, **{**pool, **kwargs})


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (see _sqlite_begin_immediate).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside the one writer; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    # A transaction that reads, then writes, must hold the write lock from the start: in WAL
    # mode a deferred one fails with SQLITE_BUSY when another writer committed in between,
    # and busy_timeout cannot help. PostgreSQL needs nothing like this. A transaction that
    # only reads (Database.reading) needs no lock at all: WAL readers never wait for writers.
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def insert_if_absent(
    session: Session, table: type[Any], primary_key: Mapped[Any], /, **values: Any
) -> bool:
    """Insert the row unless one with its primary key exists; True if this insert happened.

    One statement, so two replicas inserting the same key at once make one row: the loser
    waits for the winner's commit and then inserts nothing.
    """
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # RETURNING rather than rowcount: through the ORM session an INSERT's rowcount is -1 on
    # PostgreSQL; a returned row is the one sure sign that this insert happened.
    inserted = session.execute(
        insert(table).values(**values).on_conflict_do_nothing().returning(primary_key)
    ).first()
    return inserted is not None


def _share_disconnects(*engines: Engine, also: Callable[[], None]) -> None:
    """A connection one pool finds cut (a server restart) means the others' are cut too: each
    pool then replaces its connections, and `also` the held ones (storage.held), so a restart
    costs one request, not one per pool."""

    def on_error(context: ExceptionContext) -> None:
        if context.is_disconnect:
            for other in engines:
                if other is not context.engine:
                    other.dispose()
            also()

    for engine in engines:
        event.listen(engine, "handle_error", on_error)


class NoDatabase(Exception):
    """The database a URL names is not there, not the bot's, or not at this version's schema."""


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration not yet applied; safe to call at every start."""
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


class Database:
    """One per process. Sessions are opened per unit of work, never shared between threads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # PostgreSQL's READ COMMITTED gives each statement a snapshot of its own, inside a
        # transaction or not, so a read-only one's BEGIN and COMMIT buy nothing but two round
        # trips: reads run in autocommit there, on a pool of their own whose connections stay
        # in autocommit (an autocommit view of the writers' engine switches each connection
        # there and back at every checkout, a third of a short read's CPU). SQLite keeps its
        # deferred BEGIN, which holds one WAL snapshot across the statements.
        self._reader: Engine = engine.execution_options(**{READ_ONLY: True})
        # The statements on the driver (storage.driver) run on a connection of their thread's.
        self._held: HeldConnections | None = None
        if engine.dialect.name == "postgresql":
            self._reader = make_engine(
                engine.url, isolation_level="AUTOCOMMIT", pool_size=16, max_overflow=8
            )
            self._held = HeldConnections(
                self._reader, recycle=RECYCLE, most=HELD, on_broken=self._renew
            )
            _share_disconnects(engine, self._reader, also=self._held.renew)

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(make_engine(url))

    @classmethod
    def existing(cls, url: str) -> Database:
        """The database `url` names, as it is: never created and never migrated, for what only
        reads it (the export). Raises NoDatabase, saying why, if it cannot be read as it is."""
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            path = parsed.database or ""
            if path in ("", ":memory:") or not Path(path).is_file():
                raise NoDatabase(f"there is no SQLite database file at {path or '(no path)'}")
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                current = MigrationContext.configure(connection).get_current_revision()
        except OperationalError as err:
            engine.dispose()
            raise NoDatabase(f"the database cannot be opened: {str(err.orig).strip()}") from err
        head = ScriptDirectory.from_config(_config()).get_current_head()
        if current != head:
            engine.dispose()
            if current is None:
                raise NoDatabase("the database holds no Förvaltningsbot schema")
            raise NoDatabase(
                f"the database is at schema revision {current}, and this version reads {head}: "
                "start this version's `forvaltningsbot serve` once (it brings the schema up to "
                "date), then export"
            )
        return cls(engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A transaction that only reads (a status, a view to render): on SQLite it does not
        take the write lock, so it never queues behind writers; on PostgreSQL, no BEGIN."""
        with Session(self._reader, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def driver_transaction(self) -> Iterator[Cursor]:
        """Statements on the driver in one transaction, with no session around them: for the
        sender's claims and settles, which run for every delivery and whose session (begin,
        commit, close) cost as much as their statements. On SQLite a session's, which takes
        the write lock as every writer here does (the engine's begin event)."""
        if self._held is None:
            with self.session() as session:
                yield Cursor.of(session)
            return
        with self._held.use() as driver:  # in autocommit: the transaction is begun here
            driver.execute("BEGIN")
            try:
                yield Cursor(driver, sqlite=False)
            except BaseException:
                if not driver.broken:  # a dropped connection has nothing to roll back
                    driver.rollback()
                raise
            driver.commit()

    def _renew(self) -> None:
        """The server dropped a held connection (a restart), past SQLAlchemy's error handling:
        do what it does for its own (_share_disconnects), so the pools renew theirs too."""
        self.engine.dispose()
        self._reader.dispose()

    @contextmanager
    def driver_reading(self) -> Iterator[Cursor]:
        """Reads on the driver alone (storage.driver), for a status on the ack's path: no
        session around them. One snapshot for all of them on SQLite (BEGIN), as `reading`;
        on PostgreSQL each statement has its own, as `reading` too."""
        if self._held is not None:
            with self._held.use() as driver:
                yield Cursor(driver, sqlite=False)
            return
        pooled = self._reader.raw_connection()
        try:
            driver = pooled.driver_connection
            assert driver is not None
            driver.execute("BEGIN")
            try:
                yield Cursor(driver, sqlite=True)
            except BaseException:
                driver.rollback()
                raise
            driver.execute("COMMIT")
        finally:
            pooled.close()  # back to the pool

    @contextmanager
    def driver_statement(self) -> Iterator[Cursor]:
        """One write on the driver, committed as it runs: on PostgreSQL in autocommit (a held
        connection's, as a read's), so the rows it locks are held for the statement alone and
        never while this process waits for its turn at the CPU; on SQLite in a transaction of
        its own."""
        if self._held is not None:
            with self.driver_reading() as cursor:
                yield cursor
            return
        with self.session() as session:
            yield Cursor.of(session)

    def dispose(self) -> None:
        if self._held is not None:
            self._held.close()
        self.engine.dispose()
        self._reader.dispose()
