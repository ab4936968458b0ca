import json
import socket
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.emulator import FakeSlack
from bot.emulator.routes import Request, Response


def _fetch(
    url: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """One HTTP exchange with the emulator; error statuses are returned, not raised."""
    assert url.startswith("http://127.0.0.1:")
    method = "GET" if body is None else "POST"
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:  # noqa: S310
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as err:
        with err:
            raw = err.read()
            try:
                return err.code, json.loads(raw)
            except ValueError:
                return err.code, raw.decode()


def test_form_body_with_token_field_and_json_string_blocks(fake: FakeSlack) -> None:
    channel = fake.state.add_channel("projekt")
    form = urlencode(
        {
            "token": "xoxb-test",
            "channel": channel,
            "text": "x",
            "blocks": json.dumps([{"type": "divider"}]),
        }
    ).encode()

    status, body = _fetch(
        fake.api_url + "chat.postMessage",
        form,
        {"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert (status, body["ok"]) == (200, True)
    assert fake.state.messages(channel)[0].blocks == [{"type": "divider"}]


def test_json_body_with_bearer_token(fake: FakeSlack) -> None:
    channel = fake.state.add_channel("projekt")
    status, body = _fetch(
        fake.api_url + "chat.postMessage",
        json.dumps({"channel": channel, "text": "x"}).encode(),
        {"Content-Type": "application/json; charset=utf-8", "Authorization": "Bearer xoxb-test"},
    )
    assert (status, body["ok"], body["channel"]) == (200, True, channel)


def test_query_string_get(fake: FakeSlack) -> None:
    anna = fake.state.add_user("anna", locale="sv-SE")
    url = (
        fake.api_url
        + "users.info?"
        + urlencode({"token": "xoxb-test", "user": anna, "include_locale": "true"})
    )
    status, body = _fetch(url)
    assert (status, body["user"]["locale"]) == (200, "sv-SE")


def test_response_url_posts_apply_like_slack(fake: FakeSlack, client: WebClient) -> None:
    anna = fake.state.add_user("anna")
    channel = fake.state.add_channel("projekt", members=[anna])
    ts = client.chat_postMessage(channel=channel, text="påminnelse")["ts"]
    url = fake.response_url(channel=channel, user=anna, message_ts=ts)
    webhook = WebhookClient(url, timeout=5)

    webhook.send(text="bara till dig")
    webhook.send(text="till alla", response_type="in_channel")
    webhook.send(text="klar ✅", replace_original=True)

    posts = fake.state.response_posts()
    assert [p.body["text"] for p in posts] == ["bara till dig", "till alla", "klar ✅"]
    assert [e.text for e in fake.state.ephemerals(user=anna)] == ["bara till dig"]
    assert [m.text for m in fake.state.messages(channel)] == ["klar ✅", "till alla"]
    assert fake.state.messages(channel)[0].versions[0].text == "påminnelse"


def test_response_url_is_used_up_after_five_posts(fake: FakeSlack) -> None:
    webhook = WebhookClient(fake.response_url(), timeout=5)
    statuses = [webhook.send(text=str(i)).status_code for i in range(6)]
    assert statuses == [200] * 5 + [404]


def test_extra_routes_and_unknown_paths(fake: FakeSlack) -> None:
    fake.add_route("GET", "/hello", lambda request: Response.json({"path": request.path}))
    assert _fetch(fake.base_url + "hello/x") == (200, {"path": "/hello/x"})
    assert _fetch(fake.base_url + "nowhere") == (404, "not found")
    assert _fetch(fake.base_url + "hello", b"{}") == (405, "method not allowed")


def test_a_crashing_route_answers_500_and_is_reported() -> None:
    def boom(request: Request) -> Response:
        raise RuntimeError("bug")

    with FakeSlack() as fake:
        fake.add_route("POST", "/boom", boom)
        status, body = _fetch(fake.base_url + "boom", b"{}", {})
        assert (status, body["error"]) == (500, "emulator_error")
        assert "RuntimeError: bug" in fake.errors[0]


def test_stop_frees_the_port() -> None:
    fake = FakeSlack().start()
    port = fake.port
    fake.stop()
    fake.stop()
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0
