"""Who is in which channel, a page at a time, as Slack answers it."""

from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.emulator import FakeSlack


def walk(call: Callable[..., Any], key: str, **params: object) -> tuple[list[str], int]:
    """Every item over every page, and how many pages it took."""
    found: list[str] = []
    cursor, pages = "", 0
    while True:
        response = call(**params, cursor=cursor or None)
        pages += 1
        items = response[key]
        found += [i if isinstance(i, str) else i["id"] for i in items]
        cursor = response["response_metadata"]["next_cursor"]
        if not cursor:
            return found, pages


def test_members_come_in_pages_with_a_cursor(fake: FakeSlack, client: WebClient) -> None:
    people = [fake.state.add_user(f"p{n}") for n in range(5)]
    channel = fake.state.add_channel("stor", members=people)
    fake.state.page_size = 2
    members, pages = walk(client.conversations_members, "members", channel=channel, limit=100)
    assert sorted(members) == sorted([*people, "UBOT"]) and pages == 3


def test_a_users_conversations_are_those_the_bot_can_see(
    fake: FakeSlack, client: WebClient
) -> None:
    eva = fake.state.add_user("eva")
    public = [fake.state.add_channel(f"c{n}", members=(eva,), bot_member=False) for n in range(3)]
    seen = fake.state.add_channel("hemlig", members=(eva,), is_private=True)
    fake.state.add_channel("dold", members=(eva,), is_private=True, bot_member=False)
    fake.state.add_channel("annan", bot_member=False)
    fake.state.page_size = 2
    both = "public_channel,private_channel"
    channels, pages = walk(client.users_conversations, "channels", user=eva, types=both)
    assert channels == sorted([*public, seen]) and pages == 2
    only_public, _ = walk(client.users_conversations, "channels", user=eva)
    assert only_public == sorted(public)


def test_a_bad_cursor_is_refused(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.state.add_channel("c")
    with pytest.raises(SlackApiError) as caught:
        client.conversations_members(channel=channel, cursor="not-a-cursor")
    assert caught.value.response["error"] == "invalid_cursor"
