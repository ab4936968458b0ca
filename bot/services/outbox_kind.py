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
    VOTE_MESSAGE = "vote_message"
    VOTE_UPDATE = "vote_update"
    VOTE_RECEIPT = "vote_receipt"
    VOTE_REMINDER = "vote_reminder"
    ANNOUNCEMENT = "announcement"
    RESERVATION = "reservation"
    DELIVERY_FAILED = "delivery_failed"


# Kinds that post or edit a message in `target` (a channel, or a user for a DM), which Slack
# limits to about one a second per channel.
PACED = frozenset(
    {
        OutboxKind.OWNER_ASSIGNED,
        OutboxKind.REMINDER,
        OutboxKind.ESCALATION,
        OutboxKind.DIGEST,
        OutboxKind.VOTE_MESSAGE,
        OutboxKind.VOTE_UPDATE,
        OutboxKind.VOTE_REMINDER,
        OutboxKind.ANNOUNCEMENT,
        OutboxKind.RESERVATION,
        OutboxKind.DELIVERY_FAILED,
    }
)


def announcement_key(vote_id: int, channel: str) -> str:
    """One announcement per vote and channel: the outbox key makes a second one impossible."""
    return f"{announcement_prefix(vote_id)}{channel}"


def announcement_prefix(vote_id: int) -> str:
    return f"{OutboxKind.ANNOUNCEMENT}:{vote_id}:"
