"""Replays: a signed Slack request handled once changes nothing when it comes again.

A signature is good for five minutes, and within them whoever holds a copy of a request (a
proxy's log, a captured packet) can send it again, byte for byte, and it verifies. So each
command, click and dialog submission is remembered by what Slack makes unique per action
(bot/slack/envelope.py), in the database, shared by every replica.

The request is remembered by the first statement of the transaction that applies its change
(`claim`, called by bot.services.unit), not in a transaction of its own before it: one commit
instead of two on the fast path, and a failed change takes its claim with it when it is rolled
back, so the same request may try again. Two copies at once: the second one's insert waits for
the first one's commit, then finds the key and raises `Replayed`, so its change is never
made. What a request does without such a transaction (opening a dialog) is remembered after
it, by the gate (`first_time`). Before any of this, the gate looks whether the request was
handled already (`seen`, one read): a later copy never reaches a listener at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services.context import Services
from bot.services.tick_report import TickReport
from storage import replays
from storage.driver import Tx

# A request first seen at t carries a timestamp no earlier than t - 5 min (else it was
# refused as stale), so it verifies until t + 10 min at the latest; an hour is ample.
MEMORY = timedelta(hours=1)


class Replayed(Exception):
    """The request was handled before: this copy of it changes nothing."""


@dataclass
class Claim:
    """The request being handled, until a transaction has remembered it (`taken`)."""

    key: str
    kind: str
    team_id: str
    taken: bool = False
    replayed: bool = False


_handling: ContextVar[Claim | None] = ContextVar("replay_claim", default=None)


@contextmanager
def handling(key: str, kind: str, team_id: str) -> Iterator[Claim]:
    """While the request is handled (in this thread), its first transaction claims it."""
    claim = Claim(key, kind, team_id)
    token = _handling.set(claim)
    try:
        yield claim
    finally:
        _handling.reset(token)


def claim(session: Tx, now: datetime) -> Claim | None:
    """In the transaction that applies the request's change, first: remember the request, or
    raise `Replayed`. Returns the claim to mark taken once the transaction commits."""
    pending = _handling.get()
    if pending is None or pending.taken:
        return None
    first = replays.first_time(
        session=session, key=pending.key, kind=pending.kind, team_id=pending.team_id, now=now
    )
    if not first:
        pending.replayed = True
        raise Replayed(pending.key)
    return pending


def seen(services: Services, key: str) -> bool:
    """Whether the request was handled before: read at the door, so a copy of a request
    handled earlier never reaches a listener."""
    with services.db.driver_reading() as cursor:
        return replays.seen(cursor=cursor, key=key)


def first_time(services: Services, key: str, kind: str, team_id: str) -> bool:
    """Remember the request; False if it was handled before (this one is a replay)."""
    with services.db.session() as session:
        return replays.first_time(
            session=session, key=key, kind=kind, team_id=team_id, now=services.clock()
        )


def forget(services: Services, key: str) -> None:
    """Handling it failed, so nothing was applied: let the same request try again."""
    with services.db.session() as session:
        replays.forget(session=session, key=key)


def forget_old(services: Services, now: datetime, batch: int, report: TickReport) -> int:
    """The tick's step: requests too old to verify again need not be remembered."""
    with services.db.session() as session:
        return replays.forget_before(session=session, before=now - MEMORY, limit=batch)
