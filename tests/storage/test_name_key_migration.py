"""The upgrade that makes project names unique fills the folded name in for existing rows."""

from __future__ import annotations

from sqlalchemy import text

from storage.db import Database, upgrade

INSERT = text(
    "INSERT INTO project (team_id, channel_id, name, phase_key, lead_id, created_at) "
    "VALUES (:team, :channel, :name, 'etablera-forvaltning', 'U1', '2026-11-01 08:00:00')"
)


def test_existing_projects_get_their_folded_name_and_look_alikes_their_id(
    database_url: str,
) -> None:
    db = Database.from_url(database_url)
    upgrade(db.engine, "0007")
    rows = [
        ("T1", "C1", "Kommunen X"),
        ("T1", "C2", "Kömmunen  x"),  # made before names were unique: it keeps its name
        ("T1", "C3", "Drift"),
        ("T2", "C1", "Kommunen X"),  # another workspace
    ]
    with db.engine.begin() as connection:
        for team, channel, name in rows:
            connection.execute(INSERT, {"team": team, "channel": channel, "name": name})
    upgrade(db.engine)
    with db.engine.connect() as connection:
        found = connection.execute(
            text("SELECT id, team_id, name, name_key FROM project ORDER BY id")
        ).all()
    second = found[1][0]
    assert [(t, n, k) for _, t, n, k in found] == [
        ("T1", "Kommunen X", "kommunen x"),
        ("T1", "Kömmunen  x", f"kommunen x #{second}"),
        ("T1", "Drift", "drift"),
        ("T2", "Kommunen X", "kommunen x"),
    ]
    db.dispose()
