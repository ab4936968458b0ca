"""Trust: `export` reads the database it is pointed at as it is, within one workspace, and
never writes over a file or into a folder that is not there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.services import projects
from bot.services.context import Actor
from storage.db import Database, upgrade
from tests.cli.support import run
from tests.services.support import build_services
from tests.support.clock import Clock, sthlm
from tests.support.databases import PG_ADMIN_URL

KOMMUN, OTHER = Actor("TKOMMUN", "UANNA"), Actor("TOTHER", "UMALLORY")


def env(url: str) -> dict[str, str]:
    return {"DATABASE_URL": url, "PATH": os.environ["PATH"]}


@pytest.fixture
def shared_name(database_url: str) -> str:
    """Two workspaces each with a project called Kommunen X (names are unique per workspace)."""
    services = build_services(database_url, Clock(sthlm(2026, 11, 23, 8)))
    projects.create_project(services, KOMMUN, "CPROJ", "Kommunen X")
    projects.create_project(services, OTHER, "CPROJ", "Kommunen X")
    services.db.dispose()
    return database_url


def test_a_name_two_workspaces_use_is_refused_listing_both_and_found_with_team(
    shared_name: str, tmp_path: Path
) -> None:
    refused = run(["export", "Kommunen X", "--format", "json"], env(shared_name))
    assert refused.returncode == 4 and not refused.stdout
    assert "team TKOMMUN" in refused.stderr and "team TOTHER" in refused.stderr
    assert "--team" in refused.stderr
    found = run(["export", "kommunen x", "--format", "json", "--team", "TKOMMUN"], env(shared_name))
    assert found.returncode == 0, found.stderr
    assert "TKOMMUN" in found.stdout
    assert "TOTHER" not in found.stdout
    missing = run(["export", "Kommunen X", "--team", "TNONE"], env(shared_name))
    assert missing.returncode == 4 and "no project 'Kommunen X' in team TNONE" in missing.stderr


def test_an_existing_file_is_kept_unless_forced(shared_name: str, tmp_path: Path) -> None:
    out = tmp_path / "protokoll.md"
    out.write_text("diariefört\n", encoding="utf-8")
    args = ["export", "Kommunen X", "--team", "TKOMMUN", "-o", str(out)]
    refused = run(args, env(shared_name))
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "diariefört\n"
    forced = run([*args, "--force"], env(shared_name))
    assert forced.returncode == 0, forced.stderr
    assert "Kommunen X" in out.read_text(encoding="utf-8")


def test_a_missing_folder_is_explained(tmp_path: Path) -> None:
    out = tmp_path / "saknas" / "protokoll.md"
    result = run(["export", "Kommunen X", "-o", str(out)], env(f"sqlite:///{tmp_path / 'x.db'}"))
    assert result.returncode == 2
    assert f"the folder {out.parent} does not exist" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_a_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    db = tmp_path / "stavfel.db"
    result = run(["export", "Kommunen X"], env(f"sqlite:///{db}"))
    assert result.returncode == 5 and not result.stdout
    assert f"no SQLite database file at {db}" in result.stderr
    assert not db.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.postgres
def test_a_missing_postgresql_database_is_not_created() -> None:
    url = make_url(PG_ADMIN_URL).set(database="fb_test_no_such_database")
    result = run(["export", "Kommunen X"], env(url.render_as_string(hide_password=False)))
    assert result.returncode == 5 and not result.stdout
    assert 'database "fb_test_no_such_database" does not exist' in result.stderr
    admin = create_engine(PG_ADMIN_URL)
    with admin.connect() as connection:
        query = text("SELECT count(*) FROM pg_database WHERE datname = 'fb_test_no_such_database'")
        assert connection.execute(query).scalar_one() == 0
    admin.dispose()


def revision(url: str) -> str | None:
    db = Database.from_url(url)
    with db.engine.connect() as connection:
        found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    db.dispose()
    return str(found)


def test_an_older_schema_is_named_and_left_as_it_is(database_url: str) -> None:
    old = Database.from_url(database_url)
    upgrade(old.engine, "0006")
    old.dispose()
    result = run(["export", "Kommunen X"], env(database_url))
    assert result.returncode == 5 and not result.stdout
    assert "schema revision 0006" in result.stderr and "forvaltningsbot serve" in result.stderr
    assert revision(database_url) == "0006"
