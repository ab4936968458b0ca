"""The Slack side of the services' Directory port: a person's channels, read once per request."""

import pytest
from slack_sdk import WebClient

from bot.emulator import FakeSlack
from bot.slack import directory
from bot.slack.directory import SlackDirectory


def test_membership_is_read_over_every_page_once_per_person(fake: FakeSlack) -> None:
    client = WebClient(token="xoxb-test", base_url=fake.api_url, timeout=5)
    eva = fake.state.add_user("eva")
    hers = [fake.state.add_channel(f"c{n}", members=(eva,)) for n in range(5)]
    other = fake.state.add_channel("drift", bot_member=False)
    fake.state.page_size = 2
    found = SlackDirectory(client)
    team = fake.state.team.id
    assert all(found.is_member(team, c, eva) for c in hers)
    assert not found.is_member(team, other, eva)
    calls = fake.state.calls("users.conversations")
    assert len(calls) == 3  # five channels, two a page: three pages, read once for all checks
    assert [bool(c.params.get("cursor")) for c in calls] == [False, True, True]


def test_reading_stops_at_the_bound(fake: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    client = WebClient(token="xoxb-test", base_url=fake.api_url, timeout=5)
    eva = fake.state.add_user("eva")
    hers = [fake.state.add_channel(f"c{n}", members=(eva,)) for n in range(5)]
    fake.state.page_size = 1
    monkeypatch.setattr(directory, "MAX_PAGES", 2)
    found = SlackDirectory(client)
    assert found.is_member(fake.state.team.id, hers[0], eva)
    assert not found.is_member(fake.state.team.id, hers[4], eva)  # beyond the bound: unsure, no
    assert len(fake.state.calls("users.conversations")) == 2
