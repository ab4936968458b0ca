"""Replays: a signed Slack request handled once changes nothing when it comes again.

A signature is good for five minutes, and within them whoever holds a copy of a request (a
proxy's log, a captured packet) can send it again, byte for byte, and it verifies. So each
command, click and dialog submission is remembered by what Slack makes unique per action
(bot/slack/envelope.py), in the database, shared by every replica, before it is handled.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.services.context import Services
from bot.services.tick_report import TickReport
from storage import replays

# A request first seen at t carries a timestamp no earlier than t - 5 min (else it was
# refused as stale), so it verifies until t + 10 min at the latest; an hour is ample.
MEMORY = timedelta(hours=1)


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
