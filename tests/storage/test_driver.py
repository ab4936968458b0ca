"""Statements on the driver, beside the ORM, on both backends: what one writes the other reads
alike, and a compare-and-set compares the way the ORM stores its values."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from storage import outbox, project_rows
from storage.db import Database, upgrade
from storage.driver import Cursor, Sql
from storage.models import Activity, OutboxEvent
from tests.support.stored import add_project

# A whole second: SQLite's default text for it would drop the microseconds, the ORM's keeps them.
NOW = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
LEASE = timedelta(minutes=1)


@pytest.fixture
def db(database_url: str) -> Database:
    database = Database.from_url(database_url)
    upgrade(database.engine)
    return database


def test_the_orm_and_the_driver_read_one_project_alike(db: Database) -> None:
    pid = add_project(db, NOW)
    with db.session() as session:
        row = session.exec(select(Activity).where(Activity.key == "a")).one()
        row.due = date(2026, 3, 20)
        row.note = "Överlämning"
    with db.driver_reading() as cursor:
        found = project_rows.project_rows_in_channel(cursor=cursor, team_id="T1", channel_id="C1")
    assert found is not None
    rows, closed_vote = found
    assert (rows.head.id, rows.head.name, rows.head.created_at) == (pid, "Kommunen X C1", NOW)
    assert closed_vote is None
    assert [(a.key, a.due, a.note) for a in rows.activities] == [
        ("a", date(2026, 3, 20), "Överlämning"),
        ("b", None, None),
    ]


def test_a_compare_and_set_matches_what_the_orm_wrote_and_nothing_changed_since(
    db: Database,
) -> None:
    add_project(db, NOW)
    with db.session() as session:
        found = project_rows.activities_in_channel(session=session, team_id="T1", channel_id="C1")
        assert found is not None
        read = found.record("a")
        assert read is not None and read.updated_at == NOW
        values = {"status": "done", "note": None, "updated_at": NOW.replace(second=1)}
        assert project_rows.set_if_unchanged(session=session, activity=read, values=values)
        # A second writer that read the same row finds it changed: it writes nothing.
        again = {"status": "blocked", "note": "x", "updated_at": NOW.replace(second=2)}
        assert not project_rows.set_if_unchanged(session=session, activity=read, values=again)
    with db.reading() as session:
        row = session.exec(select(Activity).where(Activity.key == "a")).one()
        assert (row.status, row.note, row.updated_at) == ("done", None, NOW.replace(second=1))


def test_outbox_rows_queued_on_the_driver_are_the_orms_and_are_claimed(db: Database) -> None:
    event = {"key": "k1", "team_id": "T1", "kind": "home_refresh", "target": "U1"}
    with db.session() as session:
        outbox.enqueue_many(session=session, events=[{**event, "payload": {"å": [1]}}], now=NOW)
        outbox.enqueue_many(session=session, events=[{**event, "payload": {}}], now=NOW)  # kept
    with db.reading() as session:
        [row] = session.exec(select(OutboxEvent)).all()
        assert (row.payload, row.created_at, row.next_attempt_at) == ({"å": [1]}, NOW, NOW)
    with db.driver_transaction() as cursor:
        [claimed] = outbox.claim_due(cursor=cursor, now=NOW, limit=5, lease=LEASE)
    assert (claimed.key, claimed.payload, claimed.first_attempt_at, claimed.in_doubt) == (
        "k1",
        {"å": [1]},
        NOW,
        False,
    )
    with db.session() as session:  # held by the lease: not claimed twice, in a session too
        assert outbox.claim_due(cursor=Cursor.of(session), now=NOW, limit=5, lease=LEASE) == []


def test_only_a_row_not_queued_before_counts_as_queued(db: Database) -> None:
    """What decides whether a request wakes the sender: a key already pending adds nothing."""
    events: list[dict[str, Any]] = [
        {"key": k, "team_id": "T1", "kind": "home_refresh", "target": "U1", "payload": {}}
        for k in ("k1", "k2")
    ]
    outbox.take_queued()
    with db.session() as session:
        outbox.enqueue_many(session=session, events=events[:1], now=NOW)
    assert outbox.take_queued()
    assert not outbox.take_queued()  # taken
    with db.session() as session:
        outbox.enqueue_many(session=session, events=events[:1], now=NOW)  # one row, pending
        outbox.enqueue_many(session=session, events=events[:1] * 2, now=NOW)  # two, both kept
    assert not outbox.take_queued()
    with db.session() as session:
        outbox.enqueue_many(session=session, events=events, now=NOW)  # one of two is new
    assert outbox.take_queued()


def test_a_session_keeps_one_cursor_on_its_connection(db: Database) -> None:
    with db.session() as session:
        first = Cursor.of(session)
        assert Cursor.of(session) is first
        assert first.row(Sql("SELECT 1")) == (1,)


def test_a_driver_transaction_keeps_its_writes_only_when_it_ends_well(db: Database) -> None:
    event = {"team_id": "T1", "kind": "home_refresh", "target": "U1", "payload": {}}
    with db.session() as session:
        outbox.enqueue_many(session=session, events=[{**event, "key": "k1"}], now=NOW)

    def claim_then_stop() -> None:
        with db.driver_transaction() as cursor:
            assert len(outbox.claim_due(cursor=cursor, now=NOW, limit=5, lease=LEASE)) == 1
            raise RuntimeError("the sender stopped before the claim committed")

    with pytest.raises(RuntimeError):
        claim_then_stop()
    with db.driver_transaction() as cursor:  # rolled back: still there to claim
        [claimed] = outbox.claim_due(cursor=cursor, now=NOW, limit=5, lease=LEASE)
    with db.driver_transaction() as cursor:
        outbox.settle_sent(cursor=cursor, sent=[(claimed.id, 1)], now=NOW)
    with db.reading() as session:
        [row] = session.exec(select(OutboxEvent)).all()
        assert (row.status, row.attempts, row.locked_until) == (outbox.SENT, 1, None)


@pytest.mark.parametrize("count", [outbox.FEW, 120])
def test_rows_queued_at_once_are_all_kept_each_once(db: Database, count: int) -> None:
    """A change's few rows (one INSERT), and as many as a tick queues at once (a reminder for
    each of a hundred owners): each kept once with its own payload, the first of a key."""
    keys = [f"k{n}" for n in range(count)]
    events: list[dict[str, Any]] = [
        {"key": k, "team_id": "T1", "kind": "home_refresh", "target": "U1", "payload": {"n": n}}
        for n, k in enumerate(keys)
    ]
    with db.session() as session:
        outbox.enqueue_many(session=session, events=events[:1], now=NOW)
        outbox.enqueue_many(
            session=session,
            events=[{**events[0], "payload": {}}, *events[1:-1], events[1]],
            now=NOW,
        )
        outbox.enqueue_many(session=session, events=events[-1:], now=NOW)
    with db.reading() as session:
        kept = {e.key: e.payload for e in outbox.events(session=session)}
    assert kept == {k: {"n": n} for n, k in enumerate(keys)}


def test_a_claim_takes_each_workspace_its_share(db: Database) -> None:
    """Turns among workspaces, at most `per_team` of each, none of one skipped (its budget is
    spent), and of one whose window is filling only as many posts as its cap: what posts
    nothing (a receipt) is not held back by it."""
    kinds = {"T1": "reminder", "T2": "reminder", "T3": "reminder", "T4": "vote_receipt"}
    events: list[dict[str, Any]] = [
        {"key": f"{team}-{n}", "team_id": team, "kind": kind, "target": f"U{n}", "payload": {}}
        for n in range(5)
        for team, kind in kinds.items()
    ]
    with db.driver_transaction() as cursor:
        outbox.enqueue_many(session=cursor, events=events, now=NOW)
    with db.driver_transaction() as cursor:
        claimed = outbox.claim_due(
            cursor=cursor,
            now=NOW,
            limit=20,
            lease=LEASE,
            per_team=3,
            skip_teams={"T3"},
            caps={"T1": 1, "T4": 1},
            capped_kinds={"reminder"},
        )
    taken = sorted(row.key for row in claimed)
    assert taken == ["T1-0", "T2-0", "T2-1", "T2-2", "T4-0", "T4-1", "T4-2"]
