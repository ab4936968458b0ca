"""The sender's use cases: claim what is due, settle each event, take a coalesced one, and tell
the projektledare when an announcement will not arrive.

The sender and the platform deliveries reach the outbox table only through these, so neither
imports storage.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, Self

from sqlmodel import Session

from bot.services import outbox_events as out
from bot.services import votes
from bot.services.context import Services
from bot.services.outbox_events import PACED, OutboxKind, PayloadError
from bot.services.unit import enqueue
from storage import outbox as queue
from storage.driver import Cursor

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Claimed:
    """An event taken for delivery. `attempts`: how many tries failed before this one.
    `in_doubt`: an earlier try may have reached the platform (its sender stopped before it
    settled, or the platform failed in a way that may have acted), so look before posting.
    `first_attempt_at`: when it was first taken; nothing of it can be posted from before."""

    id: int
    key: str
    kind: str
    team_id: str
    target: str
    payload: Mapping[str, Any]
    attempts: int
    in_doubt: bool
    first_attempt_at: datetime | None = None


def _claimed(row: queue.ClaimedRow) -> Claimed:
    return Claimed(**row._asdict())


def claim(
    services: Services,
    *,
    limit: int,
    lease: timedelta,
    per_team: int | None = None,
    skip_teams: Collection[str] = (),
    caps: Mapping[str, int] | None = None,
) -> list[Claimed]:
    """Take up to `limit` due events for `lease`, workspaces taking turns, at most `per_team`
    of each (of its posts, `caps[team]` of those in `caps`), none of `skip_teams`; another
    replica skips them meanwhile."""
    now = services.clock()
    with services.db.driver_transaction() as cursor:
        claimed = queue.claim_due(
            cursor=cursor,
            now=now,
            limit=limit,
            lease=lease,
            per_team=per_team,
            skip_teams=skip_teams,
            caps=caps,
            capped_kinds=PACED,
        )
        return [_claimed(row) for row in claimed]


class SentRecord(Protocol):
    """What a delivery learnt from the platform that the bot must keep (a reminder DM's
    channel and ts, say), written in the transaction that settles its event as sent: all
    records of one kind together."""

    @classmethod
    def write_many(cls, session: Session, records: Sequence[Self], now: datetime) -> None: ...


@dataclass(frozen=True, slots=True)
class Sent:
    """An event delivered: how many attempts it took, and what to keep of it."""

    event: Claimed
    attempts: int
    records: Sequence[SentRecord] = ()


def sent(services: Services, event: Claimed, attempts: int) -> None:
    sent_many(services, [Sent(event, attempts)])


def sent_many(services: Services, done: Sequence[Sent]) -> None:
    """Settle events delivered, and keep their records, in one transaction; should that fail
    (one record the database refuses), each on its own, so one cannot hold back the others."""
    now = services.clock()
    try:
        _sent_together(services, done, now)
    except Exception:
        if len(done) == 1:
            raise
        log.exception("outbox: settling %s sent events together failed; one by one", len(done))
        for one in done:
            _sent_together(services, [one], now)


def _sent_together(services: Services, done: Sequence[Sent], now: datetime) -> None:
    kinds: dict[type, list[SentRecord]] = {}
    for one in done:
        for record in one.records:
            kinds.setdefault(type(record), []).append(record)
    settled = [(one.event.id, one.attempts) for one in done]
    if not kinds:  # most deliveries keep nothing: no session for them
        with services.db.driver_transaction() as cursor:
            queue.settle_sent(cursor=cursor, sent=settled, now=now)
        return
    with services.db.session() as session:
        for records in kinds.values():
            records[0].write_many(session, records, now)
        queue.settle_sent(cursor=Cursor.of(session), sent=settled, now=now)


def retry(
    services: Services,
    event: Claimed,
    attempts: int,
    *,
    after: float,
    error: str,
    doubt: bool,
) -> None:
    """Due again in `after` seconds. `doubt` carries over to the next claim: it will look
    before it posts."""
    _settle(services, event, queue.PENDING, attempts, error=error, after=after, doubt=doubt)


def failed(services: Services, event: Claimed, attempts: int, error: str) -> None:
    _settle(services, event, queue.FAILED, attempts, error=error)


def _settle(
    services: Services,
    event: Claimed,
    status: str,
    attempts: int,
    *,
    error: str | None = None,
    after: float = 0,
    doubt: bool = False,
) -> None:
    now = services.clock()
    with services.db.session() as session:
        queue.settle(
            session=session,
            event_id=event.id,
            status=status,
            now=now,
            attempts=attempts,
            next_attempt_at=now + timedelta(seconds=after) if status == queue.PENDING else None,
            error=error,
            in_doubt=doubt and status == queue.PENDING,
        )


def take_coalesced(services: Services, event: Claimed) -> None:
    """Coalescing: from now on a new change queues a new event, which will render the state
    after it; this one renders whatever has been committed until now."""
    if out.is_coalesced(event.key):
        # One statement, committed as it runs: a request queueing the next redraw waits on
        # this row's lock, and must never wait for the sender's turn at the CPU (it runs
        # niced) between an UPDATE and its COMMIT.
        with services.db.driver_statement() as cursor:
            queue.rekey(cursor=cursor, event_id=event.id, key=out.taken_key(event.key, event.id))


def report_undelivered(services: Services, event: Claimed, error: str, *, private: bool) -> bool:
    """An announcement or a vote message that will not arrive is told to the projektledare,
    once per failed event. Returns whether that was queued (other kinds give up silently)."""
    if event.kind not in out.TOLD_WHEN_UNDELIVERED:
        return False
    try:
        vote_id = out.payload_of(event.kind, event.payload, out.VoteRef).vote
    except PayloadError as err:
        log.warning("outbox %s: no vote to report the failure of: %s", event.key, err)
        return False
    view = votes.vote_view(services, vote_id)
    if view is None:
        return False
    vote_message = event.kind == OutboxKind.VOTE_MESSAGE
    payload = out.DeliveryFailed(view.vote_id, event.target, private, error, vote_message)
    told = out.delivery_failed(event.team_id, view.lead_id, event.key, event.attempts, payload)
    with services.db.session() as session:
        enqueue(session, services.clock(), told)
    return True


def fail_pending_of_team(services: Services, team_id: str, reason: str) -> int:
    """The workspace can no longer be reached (uninstalled, its bot token revoked): its pending
    events fail now with `reason`, instead of being tried until the sender gives up. Returns
    how many. The projects and their records stay; a new install delivers what comes next."""
    with services.db.session() as session:
        failed = queue.fail_pending_of_team(
            session=session, team_id=team_id, error=reason, now=services.clock()
        )
    log.warning("team %s: %s; %s pending outbox events failed", team_id, reason, failed)
    return failed
