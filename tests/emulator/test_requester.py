import json
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_bolt import Ack, App, BoltRequest, Respond
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.emulator import FakeSlack, SlackRequester
from bot.emulator.routes import Request, Response

SECRET = "signing-secret"


class Recorder:
    """Stands in for the bot: keeps what arrived and checks it the way Bolt does."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.verifier = SignatureVerifier(SECRET)

    def __call__(self, request: Request) -> Response:
        self.requests.append(request)
        valid = self.verifier.is_valid_request(request.body, request.headers)
        return Response.json({"valid": valid}, status=200 if valid else 401)

    def form(self, index: int = -1) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.requests[index].body.decode()).items()}

    def payload(self, index: int = -1) -> Any:
        return json.loads(self.form(index)["payload"])


@pytest.fixture
def recorder(fake: FakeSlack) -> Recorder:
    recorder = Recorder()
    fake.add_route("POST", "/slack/events", recorder)
    return recorder


@pytest.fixture
def requester(fake: FakeSlack, recorder: Recorder) -> SlackRequester:
    return SlackRequester(fake.base_url, SECRET, fake, timeout=5)


def test_slash_command_is_a_signed_form(
    fake: FakeSlack, recorder: Recorder, requester: SlackRequester
) -> None:
    anna = fake.state.add_user("anna")
    channel = fake.state.add_channel("projekt", members=[anna])

    reply = requester.command("status", user_id=anna, channel_id=channel)

    assert (reply.status, reply.json) == (200, {"valid": True})
    form = recorder.form()
    assert form["command"] == "/forvaltning"
    assert (form["text"], form["user_name"], form["channel_name"]) == ("status", "anna", "projekt")
    assert form["response_url"].startswith(fake.base_url + "response/")
    assert form["trigger_id"]
    assert recorder.requests[-1].content_type == "application/x-www-form-urlencoded"


def test_stale_or_forged_signatures_can_be_sent(fake: FakeSlack, requester: SlackRequester) -> None:
    anna = fake.state.add_user("anna")
    channel = fake.state.add_channel("projekt")

    stale = requester.command(
        "hjälp", user_id=anna, channel_id=channel, timestamp=int(time.time()) - 600
    )
    forged = requester.command("hjälp", user_id=anna, channel_id=channel, signature="v0=00")

    assert (stale.status, forged.status) == (401, 401)


def test_click_finds_the_button_the_bot_rendered(
    fake: FakeSlack, client: WebClient, recorder: Recorder, requester: SlackRequester
) -> None:
    anna = fake.state.add_user("anna")
    button = {
        "type": "button",
        "action_id": "klar",
        "value": "1.2",
        "text": {"type": "plain_text", "text": "Klar"},
    }
    posted = client.chat_postMessage(
        channel=anna,
        text="påminnelse",
        blocks=[{"type": "actions", "block_id": "act", "elements": [button]}],
    )

    requester.click("klar", user_id=anna, channel_id=posted["channel"], message_ts=posted["ts"])

    payload = recorder.payload()
    assert payload["type"] == "block_actions"
    assert payload["user"]["id"] == anna
    assert payload["message"]["ts"] == posted["ts"]
    assert payload["container"]["channel_id"] == posted["channel"]
    [action] = payload["actions"]
    assert (action["action_id"], action["block_id"], action["value"]) == ("klar", "act", "1.2")
    with pytest.raises(LookupError):
        requester.click("nope", user_id=anna, channel_id=posted["channel"], message_ts=posted["ts"])


def test_a_button_in_an_ephemeral_reply_is_clicked_by_its_reader_only(
    fake: FakeSlack, recorder: Recorder, requester: SlackRequester
) -> None:
    anna = fake.state.add_user("anna")
    erik = fake.state.add_user("erik")
    channel = fake.state.add_channel("projekt", members=[anna, erik])
    button = {
        "type": "button",
        "action_id": "klar",
        "value": "7",
        "text": {"type": "plain_text", "text": "Klar"},
    }
    shown = fake.state.post_ephemeral(
        channel, user=anna, text="mina", blocks=[{"type": "actions", "elements": [button]}]
    )

    requester.click("klar", user_id=anna, channel_id=channel, message_ts=shown.message_ts)

    payload = recorder.payload()
    assert payload["container"]["is_ephemeral"] is True
    assert "message" not in payload
    assert payload["actions"][0]["value"] == "7"
    assert payload["response_url"].startswith(fake.base_url + "response/")
    with pytest.raises(LookupError):
        requester.click("klar", user_id=erik, channel_id=channel, message_ts=shown.message_ts)


def test_submit_sends_the_open_modal_with_values(
    fake: FakeSlack, client: WebClient, recorder: Recorder, requester: SlackRequester
) -> None:
    anna = fake.state.add_user("anna")
    client.views_open(
        trigger_id=fake.issue_trigger_id(anna),
        view={
            "type": "modal",
            "callback_id": "blocked",
            "private_metadata": "1.2",
            "title": {"type": "plain_text", "text": "Blockerad"},
            "blocks": [],
        },
    )

    requester.submit(user_id=anna, values={"reason": {"input": "väntar på avtal"}})

    view = recorder.payload()["view"]
    assert (view["callback_id"], view["private_metadata"]) == ("blocked", "1.2")
    assert view["state"]["values"] == {
        "reason": {"input": {"type": "plain_text_input", "value": "väntar på avtal"}}
    }


def test_events_are_signed_json_and_can_be_redelivered(
    fake: FakeSlack, recorder: Recorder, requester: SlackRequester
) -> None:
    anna = fake.state.add_user("anna")

    first = requester.app_home_opened(anna)
    retry = requester.redeliver(first, retry_num=1)

    assert (first.status, retry.status) == (200, 200)
    bodies = [json.loads(r.body) for r in recorder.requests]
    assert bodies[0]["event_id"] == bodies[1]["event_id"]
    assert bodies[0]["event"]["channel"] == fake.state.im_channel(anna)
    assert recorder.requests[0].header("x-slack-retry-num") is None
    assert recorder.requests[1].header("x-slack-retry-num") == "1"


def test_round_trip_through_a_bolt_app(fake: FakeSlack) -> None:
    """Slack → Bolt → Web API → fake: the loop the bot's end-to-end tests will run."""
    anna = fake.state.add_user("anna", locale="en-US")
    channel = fake.state.add_channel("projekt", members=[anna])
    app = App(
        signing_secret=SECRET,
        client=WebClient(token="xoxb-test", base_url=fake.api_url, timeout=5),
        process_before_response=True,
    )

    @app.command("/forvaltning")
    def command(ack: Ack, respond: Respond, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.chat_postMessage(channel=body["user_id"], text=f"du skrev {body['text']}")
        respond(text="klart", response_type="in_channel")

    def dispatch(request: Request) -> Response:
        headers: dict[str, str | Sequence[str]] = dict(request.headers)
        reply = app.dispatch(BoltRequest(body=request.body.decode(), headers=headers))
        return Response(
            status=reply.status,
            body=reply.body.encode(),
            headers={k: v[0] for k, v in reply.headers.items()},
        )

    fake.add_route("POST", "/slack/events", dispatch)
    requester = SlackRequester(fake.base_url, SECRET, fake, timeout=5)

    reply = requester.command("status", user_id=anna, channel_id=channel)

    assert reply.status == 200
    assert [m.text for m in fake.state.dms_to(anna)] == ["du skrev status"]
    assert [m.text for m in fake.state.messages(channel)] == ["klart"]
    assert [c.method for c in fake.state.calls()] == ["auth.test", "chat.postMessage"]
