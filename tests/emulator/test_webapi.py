import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.emulator import FakeSlack


def test_post_message_stores_it_with_increasing_ts(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.state.add_channel("projekt")

    first = client.chat_postMessage(channel=channel, text="hej")
    second = client.chat_postMessage(
        channel=channel, text="fallback", blocks=[{"type": "divider"}], thread_ts=first["ts"]
    )

    assert first["channel"] == channel
    assert first["message"]["bot_id"] == "BBOT"
    assert first["message"]["user"] == "UBOT"
    assert float(second["ts"]) > float(first["ts"])
    stored = fake.state.messages(channel)
    assert [(m.ts, m.text) for m in stored] == [(first["ts"], "hej"), (second["ts"], "fallback")]
    assert stored[1].blocks == [{"type": "divider"}]
    assert stored[1].thread_ts == first["ts"]


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_post_message_needs_text_or_blocks(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.state.add_channel("projekt")
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel=channel, text="")
    assert caught.value.response["error"] == "no_text"
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C404", text="x")
    assert caught.value.response["error"] == "channel_not_found"


def test_dm_by_user_id_and_by_conversations_open_share_one_im(
    fake: FakeSlack, client: WebClient
) -> None:
    anna = fake.state.add_user("anna")

    by_user = client.chat_postMessage(channel=anna, text="påminnelse")
    opened = client.conversations_open(users=anna)
    reopened = client.conversations_open(users=[anna])
    client.chat_postMessage(channel=opened["channel"]["id"], text="igen")

    assert by_user["channel"].startswith("D")
    assert opened["channel"]["id"] == by_user["channel"]
    assert reopened["already_open"] is True
    assert [m.text for m in fake.state.dms_to(anna)] == ["påminnelse", "igen"]


def test_update_keeps_every_version(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.state.add_channel("styrgrupp")
    posted = client.chat_postMessage(channel=channel, text="röstning öppen", blocks=[])

    client.chat_update(channel=channel, ts=posted["ts"], text="1 röst")
    updated = client.chat_update(
        channel=channel, ts=posted["ts"], text="stängd", blocks=[{"type": "divider"}]
    )

    assert updated["ts"] == posted["ts"]
    assert updated["message"]["edited"]["user"] == "UBOT"
    [message] = fake.state.messages(channel)
    assert [v.text for v in message.versions] == ["röstning öppen", "1 röst", "stängd"]
    assert message.blocks == [{"type": "divider"}]
    with pytest.raises(SlackApiError) as caught:
        client.chat_update(channel=channel, ts="1.000001", text="x")
    assert caught.value.response["error"] == "message_not_found"


def test_users_info_gives_locale_only_when_asked(fake: FakeSlack, client: WebClient) -> None:
    erik = fake.state.add_user("erik", real_name="Erik E", locale="en-US")

    plain = client.users_info(user=erik)["user"]
    with_locale = client.users_info(user=erik, include_locale=True)["user"]

    assert "locale" not in plain
    assert with_locale["locale"] == "en-US"
    assert with_locale["tz"] == "Europe/Stockholm"
    assert with_locale["tz_offset"] in (3600, 7200)
    assert with_locale["real_name"] == "Erik E"
    with pytest.raises(SlackApiError) as caught:
        client.users_info(user="U404")
    assert caught.value.response["error"] == "user_not_found"


@pytest.mark.parametrize(("token", "error"), [("xoxb-wrong", "invalid_auth"), (None, "not_authed")])
def test_bad_or_missing_token_is_refused(fake: FakeSlack, token: str | None, error: str) -> None:
    client = WebClient(token=token, base_url=fake.api_url, timeout=5)
    with pytest.raises(SlackApiError) as caught:
        client.auth_test()
    assert caught.value.response.status_code == 200
    assert caught.value.response["error"] == error


def test_auth_test_names_the_bot(client: WebClient) -> None:
    reply = client.auth_test()
    assert (reply["user_id"], reply["bot_id"], reply["team_id"]) == ("UBOT", "BBOT", "T0001")


def test_not_in_channel_until_joined_and_private_cannot_be_joined(
    fake: FakeSlack, client: WebClient
) -> None:
    public = fake.state.add_channel("intressenter", bot_member=False)
    open_to_all = fake.state.add_channel("drift", bot_member=False, require_membership=False)
    private = fake.state.add_channel("hemlig", is_private=True)

    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel=public, text="beslut")
    assert caught.value.response["error"] == "not_in_channel"
    client.chat_postMessage(channel=open_to_all, text="beslut")
    client.conversations_join(channel=public)
    client.chat_postMessage(channel=public, text="beslut")
    with pytest.raises(SlackApiError) as caught:
        client.conversations_join(channel=private)
    assert caught.value.response["error"] == "method_not_supported_for_channel_type"

    assert [m.text for m in fake.state.messages(public)] == ["beslut"]
    assert client.conversations_info(channel=public)["channel"]["is_member"] is True


def test_ephemeral_needs_the_user_in_the_channel(fake: FakeSlack, client: WebClient) -> None:
    anna = fake.state.add_user("anna")
    outsider = fake.state.add_user("olle")
    channel = fake.state.add_channel("projekt", members=[anna])

    reply = client.chat_postEphemeral(channel=channel, user=anna, text="bara till dig")
    with pytest.raises(SlackApiError) as caught:
        client.chat_postEphemeral(channel=channel, user=outsider, text="x")

    assert caught.value.response["error"] == "user_not_in_channel"
    [ephemeral] = fake.state.ephemerals(user=anna)
    assert (ephemeral.message_ts, ephemeral.text) == (reply["message_ts"], "bara till dig")
    assert fake.state.messages(channel) == []


def test_permalink_points_at_the_emulator(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.state.add_channel("projekt")
    ts = client.chat_postMessage(channel=channel, text="x")["ts"]

    link = client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"]

    assert link == f"{fake.base_url}archives/{channel}/p{ts.replace('.', '')}"


def test_home_view_publish_and_hash_conflict(fake: FakeSlack, client: WebClient) -> None:
    anna = fake.state.add_user("anna")
    view = {"type": "home", "callback_id": "home", "blocks": [{"type": "divider"}]}

    first = client.views_publish(user_id=anna, view=view)["view"]
    client.views_publish(user_id=anna, view={**view, "blocks": []}, hash=first["hash"])
    with pytest.raises(SlackApiError) as caught:
        client.views_publish(user_id=anna, view=view, hash=first["hash"])

    assert caught.value.response["error"] == "hash_conflict"
    home = fake.state.home_view(anna)
    assert home is not None
    assert (home.id, home.blocks, len(home.history)) == (first["id"], [], 2)


def test_modal_open_update_push(fake: FakeSlack, client: WebClient) -> None:
    anna = fake.state.add_user("anna")
    trigger = fake.issue_trigger_id(anna)
    modal = {
        "type": "modal",
        "callback_id": "blocked",
        "title": {"type": "plain_text", "text": "Blockerad"},
        "blocks": [],
    }

    opened = client.views_open(trigger_id=trigger, view=modal)["view"]
    client.views_update(view_id=opened["id"], view={**modal, "private_metadata": "1.2"})
    pushed = client.views_push(trigger_id=trigger, view={**modal, "callback_id": "more"})["view"]
    with pytest.raises(SlackApiError) as caught:
        client.views_open(trigger_id="", view=modal)

    assert caught.value.response["error"] == "invalid_trigger_id"
    assert pushed["previous_view_id"] == opened["id"]
    assert [(v.callback_id, v.private_metadata) for v in fake.state.modals(anna)] == [
        ("blocked", "1.2"),
        ("more", ""),
    ]


def test_too_many_blocks_is_invalid_blocks(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.state.add_channel("projekt")
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel=channel, text="x", blocks=[{"type": "divider"}] * 51)
    assert caught.value.response["error"] == "invalid_blocks"
    assert fake.state.messages(channel) == []


def test_unknown_method(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.api_call("chat.nonsense")
    assert caught.value.response["error"] == "unknown_method"


def test_every_call_is_logged(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.state.add_channel("projekt")
    client.auth_test()
    client.chat_postMessage(channel=channel, text="x")

    assert [(c.method, c.status, c.ok) for c in fake.state.calls()] == [
        ("auth.test", 200, True),
        ("chat.postMessage", 200, True),
    ]
    [call] = fake.state.calls("chat.postMessage")
    assert call.params["channel"] == channel
    assert "token" not in call.params
