"""Storage on both backends: the schema, the UTC column, the constraints the rules rely on."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError
from sqlmodel import select

from storage import audit, projects
from storage.db import Database, upgrade
from storage.models import Project
from tests.support.stored import add_project

NOW = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


@pytest.fixture
def db(database_url: str) -> Database:
    database = Database.from_url(database_url)
    upgrade(database.engine)
    return database


def add(db: Database, channel: str = "C1", when: datetime = NOW) -> int:
    return add_project(db, when, channel)


def test_migrations_create_the_tables_and_are_idempotent(db: Database) -> None:
    upgrade(db.engine)
    tables = set(inspect(db.engine).get_table_names())
    assert {"project", "activity", "audit_entry", "alembic_version"} <= tables


@pytest.mark.parametrize(
    "written",
    [
        NOW,
        datetime(2026, 10, 25, 2, 30, tzinfo=timezone(timedelta(hours=2))),
        datetime(2026, 7, 1, 12, 0, 0, 123456, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
def test_datetimes_come_back_aware_utc_and_equal(db: Database, written: datetime) -> None:
    project_id = add(db, when=written)
    with db.session() as session:
        read = session.get(Project, project_id)
        assert read is not None
        assert read.created_at == written
        assert read.created_at.utcoffset() == timedelta(0)


def test_naive_datetime_is_refused(db: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        add(db, when=datetime(2026, 1, 1))  # noqa: DTZ001  (the point of the test)


def test_one_project_per_channel_is_a_database_constraint(db: Database) -> None:
    add(db, "C1")
    with pytest.raises(IntegrityError):
        add(db, "C1")
    add(db, "C2")


def test_audit_log_is_append_only(db: Database) -> None:
    project_id = add(db)
    with db.session() as session:
        audit.record(
            session=session,
            team_id="T1",
            project_id=project_id,
            actor_id="U1",
            action="project.create",
            target="C1",
            before=None,
            after={"name": "X"},
            now=NOW,
        )
    for statement in ("UPDATE audit_entry SET actor_id = 'U2'", "DELETE FROM audit_entry"):
        with pytest.raises(DBAPIError, match="append-only"), db.session() as session:
            session.execute(text(statement))
    with db.session() as session:
        entries = audit.entries_of(session=session, project_id=project_id)
        assert [(e.actor_id, e.after) for e in entries] == [("U1", {"name": "X"})]
        assert entries[0].at == NOW


def test_migrations_match_the_models(db: Database) -> None:
    """A model changed without a migration would work in tests and break a real upgrade."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import storage.slack_oauth  # noqa: F401  (slack-sdk's OAuth tables are ours to migrate too)

    with db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []


def test_a_reading_transaction_does_not_wait_for_a_writer(db: Database) -> None:
    """A status must not queue behind the outbox sender's write (on SQLite: no write lock)."""
    add(db)
    writing, read = threading.Event(), threading.Event()

    def writer() -> None:
        with db.session() as session:  # holds the write lock from its BEGIN on SQLite
            projects.add_project(
                session=session,
                team_id="T1",
                channel_id="C2",
                name="Kommunen Y",
                phase_key="etablera-forvaltning",
                lead_id="U1",
                activity_keys=["a"],
                initial_status="not_started",
                now=NOW,
            )
            writing.set()
            read.wait(timeout=20)  # the reader finishes while this transaction is still open

    thread = threading.Thread(target=writer)
    thread.start()
    assert writing.wait(timeout=10)
    with db.reading() as session:
        assert len(session.exec(select(Project)).all()) == 1  # sees only committed rows
    read.set()
    thread.join(timeout=30)
    with db.reading() as session:
        assert len(session.exec(select(Project)).all()) == 2


def test_one_name_per_workspace_is_a_database_constraint(db: Database) -> None:
    """ "Kommunen X", "kommunen  x" and "Kömmunen X" are one name; another workspace may use it."""

    def named(name: str, channel: str, team: str = "T1") -> None:
        with db.session() as session:
            projects.add_project(
                session=session,
                team_id=team,
                channel_id=channel,
                name=name,
                phase_key="etablera-forvaltning",
                lead_id="U1",
                activity_keys=["a"],
                initial_status="not_started",
                now=NOW,
            )

    named("Kommunen X", "C1")
    for n, look_alike in enumerate(("kommunen  x", "Kömmunen X", "KOMMUNEN X")):
        with pytest.raises(IntegrityError):
            named(look_alike, f"C{n + 2}")
    named("Kommunen X", "C1", team="T2")
