"""Trust: a channel id is one workspace's; what the bot does for it stays in that workspace."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlmodel import col

from bot.services import decisions
from bot.services.context import Services
from storage import outbox
from storage.models import OutboxEvent

AT = datetime(2026, 11, 23, 7, tzinfo=UTC)


def failed_announcement(services: Services, team_id: str, channel: str) -> None:
    with services.db.session() as session:
        event = {
            "key": f"announcement:1:{team_id}:{channel}",
            "team_id": team_id,
            "kind": "announcement",
            "target": channel,
            "payload": {"vote": 1},
        }
        outbox.enqueue_many(session=session, events=[event], now=AT)
        session.execute(
            update(OutboxEvent)
            .where(col(OutboxEvent.team_id) == team_id)
            .values(status=outbox.FAILED)
        )


def statuses(services: Services) -> dict[str, str]:
    with services.db.session() as session:
        query = select(col(OutboxEvent.team_id), col(OutboxEvent.status))
        return {team: status for team, status in session.execute(query).all()}


def test_the_bot_joining_a_channel_requeues_only_that_workspaces_announcements(
    services: Services,
) -> None:
    failed_announcement(services, "TKOMMUN", "C0SAME")
    failed_announcement(services, "TOTHER", "C0SAME")
    assert decisions.bot_invited(services, "TOTHER", "C0SAME") == 1
    assert statuses(services) == {"TKOMMUN": "failed", "TOTHER": "pending"}
