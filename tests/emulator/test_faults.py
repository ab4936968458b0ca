import contextlib

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.emulator import FakeSlack


def test_injected_429_is_a_rate_limit_and_posts_nothing(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.state.add_channel("projekt")
    fake.inject("chat.postMessage", status=429, retry_after=7)

    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel=channel, text="x")
    client.chat_postMessage(channel=channel, text="y")

    response = caught.value.response
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert response["error"] == "ratelimited"
    assert [m.text for m in fake.state.messages(channel)] == ["y"]
    assert [(c.status, c.faulted) for c in fake.state.calls("chat.postMessage")] == [
        (429, True),
        (200, False),
    ]


def test_injected_500_and_injected_error_are_queued_in_order(
    fake: FakeSlack, client: WebClient
) -> None:
    channel = fake.state.add_channel("projekt")
    fake.inject("chat.postMessage", status=500)
    fake.inject("chat.postMessage", error="fatal_error", times=2)

    outcomes = []
    for _ in range(4):
        try:
            client.chat_postMessage(channel=channel, text="x")
            outcomes.append((200, "ok"))
        except SlackApiError as err:
            outcomes.append((err.response.status_code, err.response["error"]))

    assert outcomes == [
        (500, "internal_error"),
        (200, "fatal_error"),
        (200, "fatal_error"),
        (200, "ok"),
    ]
    assert len(fake.state.messages(channel)) == 1
    assert fake.faults.pending() == 0


def _statuses_with_seed(seed: int) -> list[int]:
    with FakeSlack() as fake:
        channel = fake.state.add_channel("projekt")
        fake.fault_rate("chat.postMessage", 0.5, seed=seed)
        client = WebClient(token="xoxb-test", base_url=fake.api_url, timeout=5)
        for i in range(20):
            with contextlib.suppress(SlackApiError):
                client.chat_postMessage(channel=channel, text=str(i))
        statuses = [c.status for c in fake.state.calls("chat.postMessage")]
        assert len(fake.state.messages(channel)) == statuses.count(200)
        return statuses


def test_fault_rate_is_repeatable_with_a_seed() -> None:
    first = _statuses_with_seed(42)

    assert first == _statuses_with_seed(42)
    assert set(first) == {200, 429, 500}


def test_per_channel_rate_limit_answers_429_until_time_passes() -> None:
    now = [100.0]
    with FakeSlack(monotonic=lambda: now[0]) as fake:
        client = WebClient(token="xoxb-test", base_url=fake.api_url, timeout=5)
        busy = fake.state.add_channel("busy")
        calm = fake.state.add_channel("calm")
        fake.rate_limit_per_channel(per_second=1.0)

        client.chat_postMessage(channel=busy, text="1")
        with pytest.raises(SlackApiError) as caught:
            client.chat_postMessage(channel=busy, text="2")
        client.chat_postMessage(channel=calm, text="other channel")
        now[0] += 1.0
        client.chat_postMessage(channel=busy, text="3")

        assert caught.value.response.status_code == 429
        assert caught.value.response.headers["Retry-After"] == "1"
        assert [m.text for m in fake.state.messages(busy)] == ["1", "3"]


def test_delay_without_error_slows_then_answers(fake: FakeSlack, client: WebClient) -> None:
    fake.inject("auth.test", delay=0.05)
    assert client.auth_test()["ok"] is True


def test_wildcard_fault_hits_any_method(fake: FakeSlack, client: WebClient) -> None:
    fake.inject("*", status=503)
    with pytest.raises(SlackApiError) as caught:
        client.auth_test()
    assert caught.value.response.status_code == 503
