"""Slack's event retries: an event is processed once, whatever Slack redelivers.

Slack redelivers an event (with X-Slack-Retry-Num) when it did not see our answer in time. The
first delivery records the event_id in the database (shared by every replica) before the
listeners run; a redelivery finds it there and is answered 200 without processing. If a
listener fails, the id is forgotten again so that Slack's retry gets a second chance.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse

from bot.services.context import Services
from storage import events

log = logging.getLogger(__name__)


def _event_id(body: dict[str, Any]) -> str | None:
    if body.get("type") != "event_callback":
        return None
    event_id = body.get("event_id")
    return event_id if isinstance(event_id, str) and 0 < len(event_id) <= 64 else None


def register(app: App, services: Services) -> Callable[[dict[str, Any]], None]:
    """Install the middleware; returns what the error handler calls to forget a failed event."""

    # Bolt passes the continuation by the name `next`, so the parameter must be called so.
    @app.middleware
    def once_per_event(body: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:
        event_id = _event_id(body)
        if event_id is None:
            next()
            return None
        with services.db.session() as session:
            first = events.first_delivery(
                session=session,
                event_id=event_id,
                team_id=str(body.get("team_id") or ""),
                now=services.clock(),
            )
        if not first:
            log.info("event %s was processed before; this redelivery is not", event_id)
            return BoltResponse(status=200, body="")
        next()
        return None

    def forget(body: dict[str, Any]) -> None:
        event_id = _event_id(body)
        if event_id is not None:
            with services.db.session() as session:
                events.forget(session=session, event_id=event_id)

    return forget
