"""What the outbox carries: one kind per message the sender knows how to render and send."""

from __future__ import annotations

from enum import StrEnum


class OutboxKind(StrEnum):
    OWNER_ASSIGNED = "owner_assigned"
    HOME_REFRESH = "home_refresh"
    REMINDER = "reminder"
    REMINDER_UPDATE = "reminder_update"
    ESCALATION = "escalation"
    DIGEST = "digest"


# Kinds that post a new message to `target` (a channel, or a user for a DM), which Slack limits
# to about one a second per channel.
POSTS = frozenset(
    {OutboxKind.OWNER_ASSIGNED, OutboxKind.REMINDER, OutboxKind.ESCALATION, OutboxKind.DIGEST}
)
