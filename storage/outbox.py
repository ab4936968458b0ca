"""The outbox table: queue in the caller's transaction, claim and settle in the sender's."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.models import OutboxEvent

PENDING, SENT, FAILED = "pending", "sent", "failed"


def enqueue_many(*, session: Session, events: Sequence[dict[str, Any]], now: datetime) -> None:
    """Queue events (their key, team_id, kind, target and payload) in one statement; those whose
    key exists are skipped, so a retried request adds nothing."""
    if not events:
        return
    rows = [
        {**e, "status": PENDING, "attempts": 0, "created_at": now, "next_attempt_at": now}
        for e in events
    ]
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(OutboxEvent).on_conflict_do_nothing(), rows)


def claim_due(
    *,
    session: Session,
    now: datetime,
    limit: int,
    lease: timedelta,
    per_team: int | None = None,
    skip_teams: Collection[str] = (),
) -> list[tuple[OutboxEvent, bool]]:
    """Take up to `limit` due events for this sender for `lease`; another replica skips them.

    Workspaces take turns: each one's oldest due event first, then each one's second, and so
    on, at most `per_team` of one workspace, none of those in `skip_teams` (the sender has
    enough of theirs, or their budget is spent). Slack limits each workspace on its own, so a
    burst queued in one must not keep the others' events from going beside it.

    Each comes with whether it is in doubt: a lease that ran out without the event being
    settled means its sender stopped mid-delivery, perhaps after Slack had it.
    """
    due = and_(
        col(OutboxEvent.status) == PENDING,
        col(OutboxEvent.next_attempt_at) <= now,
        or_(col(OutboxEvent.locked_until).is_(None), col(OutboxEvent.locked_until) <= now),
    )
    if skip_teams:
        due = and_(due, col(OutboxEvent.team_id).not_in(list(skip_teams)))
    turn = (
        func.row_number()
        .over(
            partition_by=col(OutboxEvent.team_id),
            order_by=(col(OutboxEvent.next_attempt_at), col(OutboxEvent.id)),
        )
        .label("turn")
    )
    ranked = select(col(OutboxEvent.id), col(OutboxEvent.next_attempt_at), turn).where(due)
    turns = ranked.subquery("turns")
    chosen = select(turns.c.id, turns.c.turn, turns.c.next_attempt_at)
    if per_team is not None:
        chosen = chosen.where(turns.c.turn <= per_team)
    order = (turns.c.turn, turns.c.next_attempt_at, turns.c.id)
    picked = chosen.order_by(*order).limit(limit).subquery("picked")
    # The outer query repeats `due`: a row another sender settled or took between the
    # subquery's snapshot and this row lock is checked again, and skipped.
    query = (
        select(OutboxEvent)
        .join(picked, col(OutboxEvent.id) == picked.c.id)
        .where(due)
        .order_by(picked.c.turn, picked.c.next_attempt_at, picked.c.id)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=OutboxEvent)
    claimed = [(event, event.locked_until is not None) for event in session.exec(query)]
    if not claimed:
        return []
    # The rows are taken in one UPDATE rather than one per row by the ORM's flush; the objects
    # handed back are detached from the session, with the values the UPDATE wrote.
    session.expunge_all()
    ids = [event.id for event, _ in claimed]
    table = OutboxEvent.__table__  # type: ignore[attr-defined]
    session.connection().execute(
        update(table)
        .where(table.c.id.in_(ids))
        .values(
            locked_until=now + lease,
            first_attempt_at=func.coalesce(table.c.first_attempt_at, now),
        )
    )
    for event, _ in claimed:
        event.locked_until = now + lease
        if event.first_attempt_at is None:
            event.first_attempt_at = now
    return claimed


def settle(
    *,
    session: Session,
    event_id: int,
    status: str,
    now: datetime,
    attempts: int,
    next_attempt_at: datetime | None = None,
    error: str | None = None,
    in_doubt: bool = False,
) -> None:
    """Record the outcome. A retry `in_doubt` keeps a (lapsed) lease, which is how the next
    claim knows that an earlier attempt may have reached Slack."""
    values: dict[str, Any] = {
        "status": status,
        "attempts": attempts,
        "locked_until": now if in_doubt else None,
    }
    if status == SENT:
        values["sent_at"] = now
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    if error is not None:
        values["last_error"] = error[:500]
    query = update(OutboxEvent).where(col(OutboxEvent.id) == event_id)
    if status == PENDING:
        # A retry never brings back an event failed meanwhile (its workspace uninstalled the
        # app while this attempt was under way): pending stays pending, failed stays failed.
        query = query.where(col(OutboxEvent.status) == PENDING)
    session.execute(query.values(**values))


def settle_sent(*, session: Session, sent: Sequence[tuple[int, int]], now: datetime) -> None:
    """Record events sent, each with its number of attempts, in one statement: a sender that
    settles what its workers delivered together pays one round trip for all of them."""
    if not sent:
        return
    table = OutboxEvent.__table__  # type: ignore[attr-defined]
    query = (
        update(table)
        .where(table.c.id == bindparam("sent_id"))
        .values(status=SENT, attempts=bindparam("sent_attempts"), locked_until=None, sent_at=now)
    )
    rows = [{"sent_id": event_id, "sent_attempts": attempts} for event_id, attempts in sent]
    session.connection().execute(query, rows)


def rekey(*, session: Session, event_id: int, key: str) -> None:
    """Give a taken event a key of its own, so that the next event with its old key can queue."""
    session.execute(update(OutboxEvent).where(col(OutboxEvent.id) == event_id).values(key=key))


def depth(*, session: Session) -> int:
    return session.exec(
        select(func.count()).select_from(OutboxEvent).where(OutboxEvent.status == PENDING)
    ).one()


def oldest_pending(*, session: Session) -> datetime | None:
    """When the longest-waiting pending event was queued; None when nothing waits."""
    return session.exec(
        select(func.min(OutboxEvent.created_at)).where(OutboxEvent.status == PENDING)
    ).one()


def events(*, session: Session, kinds: Sequence[str] | None = None) -> list[OutboxEvent]:
    query = select(OutboxEvent).order_by(col(OutboxEvent.id))
    if kinds:
        query = query.where(col(OutboxEvent.kind).in_(kinds))
    return list(session.exec(query))


def failed_for(*, session: Session, kind: str, key_prefix: str) -> list[OutboxEvent]:
    """Events of `kind` whose key starts with `key_prefix` that gave up: shown in `status`."""
    query = select(OutboxEvent).where(
        OutboxEvent.kind == kind,
        OutboxEvent.status == FAILED,
        col(OutboxEvent.key).startswith(key_prefix),
    )
    return list(session.exec(query.order_by(col(OutboxEvent.id))))


def retry_failed(*, session: Session, team_id: str, kind: str, target: str, now: datetime) -> int:
    """Send `team_id`'s failed events of `kind` to `target` again from scratch (e.g. the bot
    was invited): a channel id is a workspace's, so another's events are not touched."""
    result = session.execute(
        update(OutboxEvent)
        .where(
            col(OutboxEvent.team_id) == team_id,
            col(OutboxEvent.kind) == kind,
            col(OutboxEvent.target) == target,
            col(OutboxEvent.status) == FAILED,
        )
        .values(status=PENDING, attempts=0, next_attempt_at=now, last_error=None)
    )
    return result.rowcount  # type: ignore[attr-defined, no-any-return]


def fail_pending_of_team(*, session: Session, team_id: str, error: str, now: datetime) -> int:
    """Give up every pending event of a workspace (the app was uninstalled there): they would
    only be retried until the sender gave up, with nobody on the other side."""
    result = session.execute(
        update(OutboxEvent)
        .where(col(OutboxEvent.team_id) == team_id, col(OutboxEvent.status) == PENDING)
        .values(status=FAILED, next_attempt_at=now, locked_until=None, last_error=error[:500])
    )
    return result.rowcount  # type: ignore[attr-defined, no-any-return]
