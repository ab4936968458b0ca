"""The Grid org of each Slack workspace, on both backends: one row per workspace, one upsert."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, func, select
from sqlmodel import col

from bot.services.workspace_orgs import WorkspaceOrgs
from storage import workspace_orgs
from storage.db import Database, upgrade
from storage.models import SlackWorkspaceOrg


@pytest.fixture
def db(database_url: str) -> Database:
    database = Database.from_url(database_url)
    upgrade(database.engine)
    return database


def rows(db: Database) -> list[tuple[str, str]]:
    with db.reading() as session:
        team, org = col(SlackWorkspaceOrg.team_id), col(SlackWorkspaceOrg.enterprise_id)
        return [(t, o) for t, o in session.execute(select(team, org).order_by(team))]


def test_a_workspace_has_one_org_and_a_move_replaces_it(db: Database) -> None:
    for team, org in [("T1", "E1"), ("T2", "E1"), ("T1", "E1"), ("T3", "E2")]:
        with db.session() as session:
            workspace_orgs.remember(session=session, team_id=team, enterprise_id=org)
    assert rows(db) == [("T1", "E1"), ("T2", "E1"), ("T3", "E2")]
    with db.session() as session:
        # Slack migrated the workspace into another org.
        workspace_orgs.remember(session=session, team_id="T2", enterprise_id="E2")
    with db.reading() as session:
        assert workspace_orgs.org_of(session=session, team_id="T2") == "E2"
        assert workspace_orgs.org_of(session=session, team_id="T9") is None
        assert workspace_orgs.teams_of(session=session, enterprise_id="E2") == ["T2", "T3"]
        assert workspace_orgs.teams_of(session=session, enterprise_id="E1") == ["T1"]


def test_ids_as_long_as_the_other_tables_take_fit(db: Database) -> None:
    team, org = "T" * 255, "E" * 255
    with db.session() as session:
        workspace_orgs.remember(session=session, team_id=team, enterprise_id=org)
    assert rows(db) == [(team, org)]


def test_replicas_recording_the_same_workspace_at_once_make_one_row(db: Database) -> None:
    """Two processes that each saw the workspace first: both upsert, neither fails."""
    start = threading.Barrier(4, timeout=10)
    failures: list[BaseException] = []

    def record() -> None:
        try:
            start.wait()
            WorkspaceOrgs(db).saw("T1", "E1")
        except BaseException as err:  # reported by the assert below
            failures.append(err)

    threads = [threading.Thread(target=record) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert not any(t.is_alive() for t in threads)
    assert failures == []
    assert rows(db) == [("T1", "E1")]


def test_a_known_pair_costs_no_write(db: Database) -> None:
    """What the process knows it neither writes nor reads again; the database is the truth for
    what it does not know (another replica's)."""
    orgs = WorkspaceOrgs(db)
    orgs.saw("T1", "E1")
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        orgs.saw("T1", "E1")
        assert orgs.org_of("T1") == "E1"
        assert statements == []
        WorkspaceOrgs(db).saw("T2", "E2")  # another replica
        assert orgs.org_of("T2") == "E2"
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    with db.reading() as session:
        counted = session.execute(select(func.count()).select_from(SlackWorkspaceOrg)).scalar()
    assert counted == 2
