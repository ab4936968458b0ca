"""The outbox sender, apart from any platform: claim, pace, classify, retry, settle, give up.

A platform registers one delivery per outbox kind (`bot.slack.deliveries` for Slack); each is
given an `Attempt` and raises `Retry` or `Failed` when it cannot deliver.
"""

from bot.outbox.attempt import Attempt, Delivery, Failed, Retry
from bot.outbox.sender import LEASE, MAX_ATTEMPTS, MAX_BACKOFF, OutboxSender, backoff

__all__ = [
    "LEASE",
    "MAX_ATTEMPTS",
    "MAX_BACKOFF",
    "Attempt",
    "Delivery",
    "Failed",
    "OutboxSender",
    "Retry",
    "backoff",
]
