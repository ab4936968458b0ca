"""Slack's answers as the sender's outcomes: what a delivery raises for each kind of failure."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.slack_response import SlackResponse

from bot.outbox import Attempt, Failed, Retry
from bot.slack.outcomes import translated


def answer(status: int, error: str, headers: dict[str, str] | None = None) -> SlackApiError:
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="http://127.0.0.1/api/chat.postMessage",
        req_args={},
        data={"ok": False, "error": error},
        headers=headers or {},
        status_code=status,
    )
    return SlackApiError(error, response)  # type: ignore[no-untyped-call]


def raised(error: Exception) -> Exception:
    def deliver(_attempt: Attempt) -> None:
        raise error

    attempt = Attempt("k", "announcement", "T1", "C1", 1, False, {}, lambda: None)
    with pytest.raises((Retry, Failed)) as caught:
        translated(deliver)(attempt)
    return caught.value


def test_a_rate_limit_is_retried_at_slacks_retry_after() -> None:
    outcome = raised(answer(429, "ratelimited", {"Retry-After": "7"}))
    assert isinstance(outcome, Retry)
    assert (outcome.after, outcome.reason, outcome.doubt) == (7.0, "ratelimited", False)


@pytest.mark.parametrize(
    "error",
    [answer(503, "service_unavailable"), SlackClientError("timed out"), TimeoutError()],
    ids=["5xx", "client", "network"],
)
def test_a_failure_slack_may_have_acted_on_backs_off_in_doubt(error: Exception) -> None:
    outcome = raised(error)
    assert isinstance(outcome, Retry)
    assert outcome.after is None  # the sender's exponential backoff
    assert outcome.doubt


def test_a_refusal_fails_with_slacks_error() -> None:
    outcome = raised(answer(200, "channel_not_found"))
    assert isinstance(outcome, Failed)
    assert str(outcome) == "channel_not_found"
    assert not outcome.private
