"""A platform's redelivered events: each one is processed once, whatever is delivered again.

A platform redelivers an event it thinks went unanswered (Slack: `X-Slack-Retry-Num`). The id is
recorded in the database, shared by every replica, so a redelivery to any of them is seen as one.
"""

from __future__ import annotations

from bot.services.context import Services
from storage import events


def first_delivery(services: Services, event_id: str, team_id: str) -> bool:
    """Record the event as received; False if it was received before (a redelivery)."""
    with services.db.session() as session:
        return events.first_delivery(
            session=session, event_id=event_id, team_id=team_id, now=services.clock()
        )


def forget(services: Services, event_id: str) -> None:
    """Processing failed: let the platform's next redelivery through."""
    with services.db.session() as session:
        events.forget(session=session, event_id=event_id)
