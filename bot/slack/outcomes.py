"""Slack's errors as the sender's outcomes: 429 a Retry at its Retry-After, 5xx and network
failures a Retry in doubt, any other refusal a Failed."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.outbox import Attempt, Delivery, Failed, Retry
from bot.outbox.budget import Scope
from bot.slack.lifecycle import NotInstalled


def translated(deliver: Delivery) -> Delivery:
    """`deliver`, with Slack's errors turned into the sender's outcomes."""

    def delivery(attempt: Attempt) -> None:
        try:
            deliver(attempt)
        except SlackApiError as err:
            raise outcome(err) from err
        except NotInstalled as err:
            raise Failed(err.reason) from err
        except (SlackClientError, OSError) as err:
            raise Retry(None, type(err).__name__, doubt=True) from err

    return delivery


def outcome(err: SlackApiError, scope: Scope = Scope.POST) -> Retry | Failed:
    """A 429 limits the workspace's `scope` (its posts, unless said otherwise) until its
    Retry-After; the sender keeps every event of that workspace out of the window."""
    status = err.response.status_code
    if status == 429:
        retry_after = err.response.headers.get("Retry-After") or err.response.headers.get(
            "retry-after"
        )
        return Retry(float(retry_after or 1), "ratelimited", limited=scope)
    if status >= 500:
        return Retry(None, f"http {status}", doubt=True)
    return Failed(str(err.response.get("error") or status))
