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

from bot.emulator import event_payloads, payloads
from bot.emulator.ledger import JsonDict
from bot.emulator.origin import HOME, Origin
from bot.emulator.server import FakeSlack

DEFAULT_COMMAND = "/forvaltning"


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

    The payloads come from `payloads`, filled from the fake workspace, so what the bot
    receives matches what it rendered.
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
        origin: Origin = HOME,
        **overrides: Any,
    ) -> BotResponse:
        """`/forvaltning <text>` typed by `user_id` in `channel_id`."""
        form = payloads.slash_command(
            self.fake,
            text,
            user_id=user_id,
            channel_id=channel_id,
            command=command or self.command_name,
            origin=origin,
        )
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
        origin: Origin = HOME,
        **overrides: Any,
    ) -> BotResponse:
        """Press a button in a stored message (channel_id + message_ts) or view (view_id).

        The button is looked up in what the bot rendered, so clicking one that is not there
        raises LookupError instead of sending a payload the bot could never receive.
        """
        payload = payloads.rendered_click(
            self.fake,
            action_id,
            user_id=user_id,
            channel_id=channel_id,
            message_ts=message_ts,
            view_id=view_id,
            value=value,
            action_ts=self._action_ts(),
            origin=origin,
        )
        return self._send_interaction(payload, overrides)

    def block_action(
        self,
        *,
        user_id: str,
        action_id: str,
        value: str | None = None,
        block_id: str = "actions",
        channel_id: str | None = None,
        message_ts: str | None = None,
        origin: Origin = HOME,
        **overrides: Any,
    ) -> BotResponse:
        """A button press built from the arguments alone, for payloads the bot never rendered."""
        payload = payloads.built_click(
            self.fake,
            user_id=user_id,
            action_id=action_id,
            value=value,
            block_id=block_id,
            channel_id=channel_id,
            message_ts=message_ts,
            action_ts=self._action_ts(),
            origin=origin,
        )
        return self._send_interaction(payload, overrides)

    def submit(
        self,
        *,
        user_id: str,
        view_id: str | None = None,
        values: Mapping[str, Mapping[str, Any]] | None = None,
        callback_id: str | None = None,
        private_metadata: str | None = None,
        origin: Origin = HOME,
        **overrides: Any,
    ) -> BotResponse:
        """Submit a modal (`view_submission`), by default the user's latest opened one.

        `values` is `{block_id: {action_id: value}}`; a plain string value stands for a
        plain_text_input, anything else is passed through as Slack's state entry.
        """
        payload = payloads.view_submission(
            self.fake,
            user_id=user_id,
            view_id=view_id,
            values=values or {},
            callback_id=callback_id,
            private_metadata=private_metadata,
            origin=origin,
        )
        return self._send_interaction(payload, overrides)

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
        origin: Origin = HOME,
        **overrides: Any,
    ) -> BotResponse:
        """An `event_callback` wrapping `event`; pass `event_id` to repeat a delivery."""
        envelope = event_payloads.event_callback(
            self.fake,
            event,
            event_id=event_id or f"Ev{next(self._event_ids):08d}{secrets.token_hex(2)}",
            now=int(self._clock()),
            origin=origin,
        )
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
        return self.event(event_payloads.app_home_opened(self.fake, user_id, tab=tab), **kwargs)

    def direct_message(self, user_id: str, text: str, **kwargs: Any) -> BotResponse:
        """`user_id` writes `text` to the bot in its Messages tab (`message.im`)."""
        return self.event(event_payloads.direct_message(self.fake, user_id, text), **kwargs)

    def app_uninstalled(self, **kwargs: Any) -> BotResponse:
        """An admin removed the app (call `state.uninstall` for its tokens to stop working)."""
        return self.event(event_payloads.app_uninstalled(), **kwargs)

    def tokens_revoked(
        self, *, bot: list[str] | None = None, oauth: list[str] | None = None, **kwargs: Any
    ) -> BotResponse:
        """Tokens were revoked: by default the bot's (its user id in `tokens.bot`)."""
        bots = [self.fake.state.bot.user_id] if bot is None and oauth is None else bot or []
        revoked = event_payloads.tokens_revoked(bot=bots, oauth=oauth or [])
        return self.event(revoked, **kwargs)

    def url_verification(self, challenge: str = "challenge-token") -> BotResponse:
        body = {
            "token": payloads.VERIFICATION_TOKEN,
            "challenge": challenge,
            "type": "url_verification",
        }
        return self.send(json.dumps(body), "application/json")

    def _action_ts(self) -> str:
        return f"{self._clock():.6f}"

    def _send_interaction(self, payload: JsonDict, overrides: dict[str, Any]) -> BotResponse:
        """Send with `overrides` merged into the payload, but for the transport's own."""
        send_kwargs = _send_kwargs(overrides)
        payload.update(overrides)
        return self.interaction(payload, **send_kwargs)

    def _send_form(self, form: Mapping[str, str], **overrides: Any) -> BotResponse:
        send_kwargs = _send_kwargs(overrides)
        merged = {**form, **{k: str(v) for k, v in overrides.items()}}
        return self.send(urlencode(merged), "application/x-www-form-urlencoded", **send_kwargs)


def _send_kwargs(overrides: dict[str, Any]) -> dict[str, Any]:
    """Pull the transport overrides (timestamp, signature, headers) out of payload overrides."""
    return {k: overrides.pop(k) for k in ("timestamp", "signature", "headers") if k in overrides}
