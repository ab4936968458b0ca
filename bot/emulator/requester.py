"""SlackRequester: sends the bot what Slack sends it, signed the way Slack signs it."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from bot.emulator.blocks import find_action
from bot.emulator.server import FakeSlack
from bot.emulator.state import JsonDict, View

DEFAULT_COMMAND = "/forvaltning"
# Slack still sends the deprecated verification token; Bolt ignores it when signing is used.
VERIFICATION_TOKEN = "legacy-verification-token"  # noqa: S105  (a fake, by design)


def sign(signing_secret: str, timestamp: str, body: str) -> str:
    """Slack's v0 request signature."""
    digest = hmac.new(
        signing_secret.encode("utf-8"), f"v0:{timestamp}:{body}".encode(), hashlib.sha256
    ).hexdigest()
    return f"v0={digest}"


@dataclass(frozen=True)
class BotResponse:
    """What the bot answered, plus what was sent so a test can redeliver it."""

    status: int
    headers: dict[str, str]
    text: str
    sent_body: str = ""
    sent_headers: dict[str, str] = field(default_factory=dict)

    @property
    def json(self) -> Any:
        """The body parsed as JSON, or None when it is empty or not JSON."""
        try:
            return json.loads(self.text) if self.text else None
        except json.JSONDecodeError:
            return None


class SlackRequester:
    """Posts slash commands, interactions and events to `<bot_url>/slack/events`.

    Payload fields are filled from the fake workspace (user and channel names, the clicked
    message, the modal being submitted), so what the bot receives matches what it rendered.
    """

    def __init__(
        self,
        bot_url: str,
        signing_secret: str,
        fake: FakeSlack,
        *,
        path: str = "/slack/events",
        timeout: float = 5.0,
        clock: Callable[[], float] = time.time,
        command: str = DEFAULT_COMMAND,
    ) -> None:
        if urlsplit(bot_url).scheme not in ("http", "https"):
            raise ValueError(f"bot_url must be http(s), got {bot_url!r}")
        self.url = bot_url.rstrip("/") + path
        self.signing_secret = signing_secret
        self.fake = fake
        self.timeout = timeout
        self.command_name = command
        self._clock = clock
        self._event_ids = itertools.count(1)

    def signed_headers(
        self,
        body: str,
        content_type: str,
        timestamp: str | int | None = None,
        signature: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, str]:
        """The headers Slack sends with `body`: its timestamp and signature, then `headers`."""
        ts = str(int(self._clock()) if timestamp is None else timestamp)
        return {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature or sign(self.signing_secret, ts, body),
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            **(headers or {}),
        }

    def send(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: str | int | None = None,
        signature: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> BotResponse:
        """POST a raw body, signed unless `signature` overrides it (tests send bad ones)."""
        sent = self.signed_headers(body, content_type, timestamp, signature, headers)
        request = urllib.request.Request(  # noqa: S310  (scheme checked in __init__)
            self.url, data=body.encode("utf-8"), headers=sent, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:  # noqa: S310
                return BotResponse(
                    status=reply.status,
                    headers=dict(reply.headers.items()),
                    text=reply.read().decode("utf-8"),
                    sent_body=body,
                    sent_headers=sent,
                )
        except urllib.error.HTTPError as err:
            with err:
                return BotResponse(
                    status=err.code,
                    headers=dict(err.headers.items()),
                    text=err.read().decode("utf-8", errors="replace"),
                    sent_body=body,
                    sent_headers=sent,
                )

    def redeliver(
        self, previous: BotResponse, *, retry_num: int = 1, reason: str = "http_timeout"
    ) -> BotResponse:
        """Send the same body again as Slack's retry of an unacknowledged request does."""
        return self.send(
            previous.sent_body,
            previous.sent_headers.get("Content-Type", "application/json"),
            headers={"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": reason},
        )

    # Slash commands

    def command(
        self,
        text: str,
        *,
        user_id: str,
        channel_id: str,
        command: str | None = None,
        **overrides: Any,
    ) -> BotResponse:
        """`/forvaltning <text>` typed by `user_id` in `channel_id`."""
        state = self.fake.state
        user = state.users.get(user_id)
        channel = state.channels.get(channel_id)
        channel_name = (
            "directmessage"
            if channel is not None and channel.is_im
            else channel.name
            if channel is not None
            else channel_id
        )
        form: dict[str, str] = {
            "token": VERIFICATION_TOKEN,
            "team_id": state.team.id,
            "team_domain": state.team.domain,
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user.name if user else user_id,
            "command": command or self.command_name,
            "text": text,
            "api_app_id": state.bot.app_id,
            "is_enterprise_install": "false",
            "response_url": self.fake.response_url(channel=channel_id, user=user_id),
            "trigger_id": self.fake.issue_trigger_id(user_id),
        }
        return self._send_form(form, **overrides)

    # Interactions

    def click(
        self,
        action_id: str,
        *,
        user_id: str,
        channel_id: str | None = None,
        message_ts: str | None = None,
        view_id: str | None = None,
        value: str | None = None,
        **overrides: Any,
    ) -> BotResponse:
        """Press a button in a stored message (channel_id + message_ts) or view (view_id).

        The button is looked up in what the bot rendered, so clicking one that is not there
        raises LookupError instead of sending a payload the bot could never receive.
        """
        state = self.fake.state
        payload = self._interaction_base("block_actions", user_id)
        if view_id is not None:
            view = state.find_view(view_id=view_id)
            if view is None:
                raise LookupError(f"no view {view_id}")
            blocks = view.blocks
            payload["container"] = {"type": "view", "view_id": view.id}
            payload["view"] = self._view_json(view)
        elif channel_id is not None and message_ts is not None:
            message = state.find_message(channel_id, message_ts)
            # A button in an ephemeral message (a command's private reply) works too; Slack
            # then sends no `message`, only the container saying it was ephemeral.
            ephemeral = (
                state.find_ephemeral(channel_id, message_ts, user_id) if message is None else None
            )
            if message is None and ephemeral is None:
                raise LookupError(f"no message {message_ts} in {channel_id}")
            channel = state.channels[channel_id]
            payload["container"] = {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel_id,
                "is_ephemeral": ephemeral is not None,
            }
            payload["channel"] = {"id": channel_id, "name": channel.name}
            if message is not None:
                blocks = message.blocks
                payload["message"] = message.to_slack(state.team.id)
            else:
                assert ephemeral is not None
                blocks = ephemeral.blocks
            payload["response_url"] = self.fake.response_url(
                channel=channel_id, user=user_id, message_ts=message_ts
            )
        else:
            raise ValueError("click needs channel_id and message_ts, or view_id")
        found = find_action(blocks, action_id, value)
        if found is None:
            raise LookupError(f"no element with action_id {action_id!r} (value {value!r})")
        block_id, element = found
        action: JsonDict = {
            "action_id": action_id,
            "block_id": block_id,
            "type": element.get("type", "button"),
            "action_ts": f"{self._clock():.6f}",
        }
        if "text" in element:
            action["text"] = element["text"]
        if "value" in element:
            action["value"] = element["value"]
        payload["actions"] = [action]
        send_kwargs = _send_kwargs(overrides)
        payload.update(overrides)
        return self.interaction(payload, **send_kwargs)

    def block_action(
        self,
        *,
        user_id: str,
        action_id: str,
        value: str | None = None,
        block_id: str = "actions",
        channel_id: str | None = None,
        message_ts: str | None = None,
        **overrides: Any,
    ) -> BotResponse:
        """A button press built from the arguments alone, for payloads the bot never rendered."""
        payload = self._interaction_base("block_actions", user_id)
        action: JsonDict = {
            "action_id": action_id,
            "block_id": block_id,
            "type": "button",
            "text": {"type": "plain_text", "text": action_id, "emoji": True},
            "action_ts": f"{self._clock():.6f}",
        }
        if value is not None:
            action["value"] = value
        payload["actions"] = [action]
        if channel_id is not None:
            channel = self.fake.state.channels.get(channel_id)
            payload["channel"] = {"id": channel_id, "name": channel.name if channel else ""}
            payload["container"] = {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel_id,
                "is_ephemeral": False,
            }
            message = self.fake.state.find_message(channel_id, message_ts) if message_ts else None
            payload["message"] = (
                message.to_slack(self.fake.state.team.id)
                if message
                else {"type": "message", "ts": message_ts, "text": ""}
            )
            payload["response_url"] = self.fake.response_url(
                channel=channel_id, user=user_id, message_ts=message_ts
            )
        send_kwargs = _send_kwargs(overrides)
        payload.update(overrides)
        return self.interaction(payload, **send_kwargs)

    def submit(
        self,
        *,
        user_id: str,
        view_id: str | None = None,
        values: Mapping[str, Mapping[str, Any]] | None = None,
        callback_id: str | None = None,
        private_metadata: str | None = None,
        **overrides: Any,
    ) -> BotResponse:
        """Submit a modal (`view_submission`), by default the user's latest opened one.

        `values` is `{block_id: {action_id: value}}`; a plain string value stands for a
        plain_text_input, anything else is passed through as Slack's state entry.
        """
        state = self.fake.state
        view = state.find_view(view_id=view_id) if view_id else state.latest_modal(user_id)
        if view is None and callback_id is None:
            raise LookupError(f"no open modal for {user_id} and no callback_id given")
        view_json: JsonDict = (
            self._view_json(view)
            if view
            else {
                "id": state.new_id("V"),
                "team_id": state.team.id,
                "type": "modal",
                "blocks": [],
                "private_metadata": "",
                "callback_id": "",
                "hash": "",
                "app_id": state.bot.app_id,
                "bot_id": state.bot.bot_id,
            }
        )
        if callback_id is not None:
            view_json["callback_id"] = callback_id
        if private_metadata is not None:
            view_json["private_metadata"] = private_metadata
        view_json["state"] = {"values": _state_values(values or {})}
        payload = self._interaction_base("view_submission", user_id)
        payload.update({"view": view_json, "response_urls": []})
        send_kwargs = _send_kwargs(overrides)
        payload.update(overrides)
        return self.interaction(payload, **send_kwargs)

    def interaction(self, payload: JsonDict, **send_kwargs: Any) -> BotResponse:
        """Any interactivity payload, sent as Slack does: a form with one `payload` field."""
        return self._send_form({"payload": json.dumps(payload, ensure_ascii=False)}, **send_kwargs)

    # Events API

    def event(
        self,
        event: JsonDict,
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        **overrides: Any,
    ) -> BotResponse:
        """An `event_callback` wrapping `event`; pass `event_id` to repeat a delivery."""
        state = self.fake.state
        now = int(self._clock())
        envelope: JsonDict = {
            "token": VERIFICATION_TOKEN,
            "team_id": state.team.id,
            "api_app_id": state.bot.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._event_ids):08d}{secrets.token_hex(2)}",
            "event_time": now,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": state.team.id,
                    "user_id": state.bot.user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        send_kwargs = _send_kwargs(overrides)
        envelope.update(overrides)
        if retry_num is not None:
            send_kwargs["headers"] = {
                **send_kwargs.get("headers", {}),
                "X-Slack-Retry-Num": str(retry_num),
                "X-Slack-Retry-Reason": retry_reason,
            }
        return self.send(
            json.dumps(envelope, ensure_ascii=False), "application/json", **send_kwargs
        )

    def app_home_opened(self, user_id: str, *, tab: str = "home", **kwargs: Any) -> BotResponse:
        state = self.fake.state
        im, _ = state.open_im(user_id)
        event: JsonDict = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": im.id,
            "tab": tab,
            "event_ts": state.next_ts(),
        }
        home = state.home_view(user_id)
        if home is not None:
            event["view"] = self._view_json(home)
        return self.event(event, **kwargs)

    def url_verification(self, challenge: str = "challenge-token") -> BotResponse:
        body = {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
        return self.send(json.dumps(body), "application/json")

    def _interaction_base(self, kind: str, user_id: str) -> JsonDict:
        state = self.fake.state
        user = state.users.get(user_id)
        return {
            "type": kind,
            "token": VERIFICATION_TOKEN,
            "api_app_id": state.bot.app_id,
            "team": {"id": state.team.id, "domain": state.team.domain},
            "enterprise": None,
            "is_enterprise_install": False,
            "user": {
                "id": user_id,
                "username": user.name if user else user_id,
                "name": user.name if user else user_id,
                "team_id": state.team.id,
            },
            "trigger_id": self.fake.issue_trigger_id(user_id),
        }

    def _view_json(self, view: View) -> JsonDict:
        state = self.fake.state
        return view.to_slack(state.team.id, state.bot)

    def _send_form(self, form: Mapping[str, str], **overrides: Any) -> BotResponse:
        send_kwargs = _send_kwargs(overrides)
        merged = {**form, **{k: str(v) for k, v in overrides.items()}}
        return self.send(urlencode(merged), "application/x-www-form-urlencoded", **send_kwargs)


def _send_kwargs(overrides: dict[str, Any]) -> dict[str, Any]:
    """Pull the transport overrides (timestamp, signature, headers) out of payload overrides."""
    return {k: overrides.pop(k) for k in ("timestamp", "signature", "headers") if k in overrides}


def _state_values(values: Mapping[str, Mapping[str, Any]]) -> JsonDict:
    out: JsonDict = {}
    for block_id, actions in values.items():
        out[block_id] = {
            action_id: (
                {"type": "plain_text_input", "value": value} if isinstance(value, str) else value
            )
            for action_id, value in actions.items()
        }
    return out
