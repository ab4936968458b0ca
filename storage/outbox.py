"""The outbox table: queue in the caller's transaction, claim and settle in the sender's."""

from __future__ import annotations

import threading
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from functools import cache, lru_cache
from typing import Any, NamedTuple

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from storage.driver import Cursor, Sql, Tx, json_text, json_value, utc
from storage.models import OutboxEvent

PENDING, SENT, FAILED = "pending", "sent", "failed"
# A claim draws its workspaces' turns among this many times its limit of the oldest due rows.
SCAN_FACTOR = 20


# Every change queues here, on the ack's path: on the driver (storage.driver).
_ENQUEUE = """INSERT INTO outbox (key, team_id, kind, target, payload, status, attempts,
    created_at, next_attempt_at) VALUES {values} ON CONFLICT DO NOTHING"""
_ROW = "(%s, %s, %s, %s, %s, %s, 0, %s, %s)"
# A change queues one to three rows, and one INSERT of them all costs half the CPU of psycopg's
# pipeline (executemany) and one round trip; the pipeline is the cheaper way for the tick's
# hundreds (in INSERTs of 50 rows its round went from 80 to 147 ms at 994 rows).
FEW = 4


@cache
def _enqueue(rows: int) -> Sql:
    return Sql(_ENQUEUE.format(values=", ".join([_ROW] * rows)))


# Whether this thread queued a new row since it last asked (`take_queued`). A change whose
# rows all folded into pending ones (a Home refresh, a redraw) gives the sender nothing new,
# and waking it would only cost a claim that finds nothing: on a status change, that claim
# was most of what the sender spent.
_queued = threading.local()


def enqueue_many(*, session: Tx, events: Sequence[dict[str, Any]], now: datetime) -> None:
    """Queue events (their key, team_id, kind, target and payload) in one round; those whose
    key exists are skipped, so a retried request adds nothing."""
    if not events:
        return
    rows = [
        (e["key"], e["team_id"], e["kind"], e["target"], json_text(e["payload"]), PENDING, now, now)
        for e in events
    ]
    cursor = Cursor.of(session)
    if len(rows) <= FEW:
        queued = cursor.run(_enqueue(len(rows)), [value for row in rows for value in row])
    else:
        queued = cursor.run_many(_enqueue(1), rows)
    if queued > 0:
        _queued.new = True


def take_queued() -> bool:
    """Whether this thread queued a row since the last call (a rolled-back one too: a wake-up
    is only a hint, and the sender's poll finds whatever a missed one would have)."""
    new: bool = getattr(_queued, "new", False)
    _queued.new = False
    return new


class ClaimedRow(NamedTuple):
    id: int
    key: str
    kind: str
    team_id: str
    target: str
    payload: Any
    attempts: int
    in_doubt: bool
    first_attempt_at: datetime


def claim_due(
    *,
    cursor: Cursor,
    now: datetime,
    limit: int,
    lease: timedelta,
    per_team: int | None = None,
    skip_teams: Collection[str] = (),
    caps: Mapping[str, int] | None = None,
    capped_kinds: Collection[str] = (),
) -> list[ClaimedRow]:
    """Take up to `limit` due events for this sender for `lease`; another replica skips them.

    Workspaces take turns: each one's oldest due event first, then each one's second, and so
    on, at most `per_team` of one workspace, none of those in `skip_teams` (the sender has
    enough of theirs, or their budget is spent), and at most `caps[team]` of the
    `capped_kinds` (posts) of one whose window is filling. Slack limits each workspace on its
    own, so a burst queued in one must not keep the others' events from going beside it.

    Each comes with whether it is in doubt: a lease that ran out without the event being
    settled means its sender stopped mid-delivery, perhaps after Slack had it.

    Plain rows on the table, not ORM objects: the sender claims often, and building, then
    detaching, fifty objects was most of a claim's CPU.
    """
    skip = sorted(skip_teams)
    capped = sorted((caps or {}).items()) if per_team is not None and capped_kinds else []
    kinds = sorted(capped_kinds) if capped else []
    params: list[Any] = [*kinds, PENDING, now, now, *skip, limit * SCAN_FACTOR]
    if per_team is not None:
        params.append(per_team)
    for team, cap in capped:
        params += [team, cap]
    if capped:
        params.append(per_team)
    params.append(limit)
    shape = _claim(not cursor.sqlite, per_team is not None, len(skip), len(capped), len(kinds))
    picked = cursor.rows(shape, params)
    if not picked:
        return []
    # The rows are taken in one UPDATE.
    ids = [row[0] for row in picked]
    cursor.run(_take(len(ids)), [now + lease, now, *ids])
    return [
        ClaimedRow(
            id=event_id,
            key=key,
            kind=kind,
            team_id=team_id,
            target=target,
            payload=json_value(payload),
            attempts=attempts,
            in_doubt=locked_until is not None,
            first_attempt_at=utc(first) or now,
        )
        for event_id, key, kind, team_id, target, payload, attempts, locked_until, first in picked
    ]


# The sender claims whenever it is woken (each change that queued something): on the driver,
# each shape of the claim built once. Placeholders only go into the text; values are parameters.
_DUE = (
    "SELECT id, team_id, next_attempt_at{paced} FROM outbox WHERE status = %s"
    " AND next_attempt_at <= %s AND (locked_until IS NULL OR locked_until <= %s)"
)


def _marks(n: int) -> str:
    return ", ".join(["%s"] * n)


@lru_cache(maxsize=512)  # a shape for each count of workspaces skipped and capped
def _claim(postgres: bool, per_team: bool, skipping: int, capping: int = 0, kinds: int = 0) -> Sql:
    """The claim's one SELECT, by its shape.

    The oldest due rows nobody else holds, locked (another sender skips them, and takes the
    next ones): the workspaces' turns are drawn among these, so two senders never pick the
    same rows. A capped workspace's posts have turns of their own."""
    skip = f" AND team_id NOT IN ({_marks(skipping)})" if skipping else ""
    lock = " FOR UPDATE SKIP LOCKED" if postgres else ""
    due = _DUE.format(paced=f", kind IN ({_marks(kinds)}) AS paced" if capping else "")
    held = f"{due}{skip} ORDER BY next_attempt_at, id LIMIT %s{lock}"
    order = "ORDER BY held.next_attempt_at, held.id"
    posts = f", row_number() OVER (PARTITION BY held.team_id, held.paced {order}) AS post"
    turns = (
        "SELECT held.id, held.team_id, held.next_attempt_at"  # noqa: S608
        f"{', held.paced' + posts if capping else ''}"
        f", row_number() OVER (PARTITION BY held.team_id {order}) AS turn FROM ({held}) AS held"
    )
    chosen = f"SELECT id, turn, next_attempt_at FROM ({turns}) AS turns"  # noqa: S608
    if per_team:
        chosen += " WHERE turn <= %s"
    if capping:
        cases = " ".join(["WHEN %s THEN %s"] * capping)
        chosen += f" AND (NOT paced OR post <= CASE team_id {cases} ELSE %s END)"
    picked = f"{chosen} ORDER BY turn, next_attempt_at, id LIMIT %s"
    return Sql(
        "SELECT outbox.id, outbox.key, outbox.kind, outbox.team_id, outbox.target,"  # noqa: S608
        " outbox.payload, outbox.attempts, outbox.locked_until, outbox.first_attempt_at"
        f" FROM outbox JOIN ({picked}) AS picked ON outbox.id = picked.id"
        " ORDER BY picked.turn, picked.next_attempt_at, picked.id"
    )


@cache
def _take(count: int) -> Sql:
    marks = ", ".join(["%s"] * count)
    return Sql(
        "UPDATE outbox SET locked_until = %s,"  # noqa: S608
        f" first_attempt_at = coalesce(first_attempt_at, %s) WHERE id IN ({marks})"
    )


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


# The sender settles what its workers delivered together: on the driver, one round trip.
_SETTLE_SENT = Sql(
    """UPDATE outbox SET status = %s, attempts = %s, locked_until = NULL, sent_at = %s
    WHERE id = %s"""
)


def settle_sent(*, cursor: Cursor, sent: Sequence[tuple[int, int]], now: datetime) -> None:
    """Record events sent, each with its number of attempts, in one round trip: a sender that
    settles what its workers delivered together pays one for all of them."""
    if not sent:
        return
    rows = [(SENT, attempts, now, event_id) for event_id, attempts in sent]
    cursor.run_many(_SETTLE_SENT, rows)


_REKEY = Sql("UPDATE outbox SET key = %s WHERE id = %s")


def rekey(*, cursor: Cursor, event_id: int, key: str) -> None:
    """Give a taken event a key of its own, so that the next event with its old key can queue."""
    cursor.run(_REKEY, (key, event_id))


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


def retry_failed(
    *, session: Session, team_id: str, kinds: Collection[str], target: str, now: datetime
) -> int:
    """Send `team_id`'s failed events of `kinds` to `target` again from scratch (e.g. the bot
    was invited): a channel id is a workspace's, so another's events are not touched."""
    result = session.execute(
        update(OutboxEvent)
        .where(
            col(OutboxEvent.team_id) == team_id,
            col(OutboxEvent.kind).in_(kinds),
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
