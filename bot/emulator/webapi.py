"""Slack Web API methods as the fake answers them, over the shared workspace state."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.emulator import blocks as blockkit
from bot.emulator.faults import Fault, Faults
from bot.emulator.state import ApiCall, Channel, JsonDict, User, View, WorkspaceState

MAX_TEXT = 40_000

# Fields Slack documents as "a JSON-encoded string" in form bodies; JSON bodies may carry
# them either as strings or as structures.
_JSON_FIELDS = ("blocks", "attachments", "view", "metadata")


# Methods that authenticate the app (client id and secret), not a token.
_CLIENT_AUTH_METHODS = frozenset({"oauth.v2.access"})


class SlackError(Exception):
    """An `ok: false` answer; raised by a handler, turned into the response by `WebApi`."""

    def __init__(
        self,
        error: str,
        *,
        status: int = 200,
        retry_after: int | None = None,
        messages: list[str] | None = None,
    ) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.retry_after = retry_after
        self.messages = messages or []

    @classmethod
    def from_fault(cls, fault: Fault) -> SlackError:
        return cls(fault.error or "fatal_error", status=fault.status, retry_after=fault.retry_after)


@dataclass
class ApiResult:
    status: int
    body: JsonDict
    headers: dict[str, str] = field(default_factory=dict)


def _flag(params: JsonDict, key: str) -> bool:
    return params.get(key) in (True, 1, "1", "true", "True")


def _str(params: JsonDict, key: str) -> str:
    value = params.get(key)
    return "" if value is None else str(value)


def decode_json_fields(params: JsonDict) -> JsonDict:
    """Params with JSON-string fields decoded; undecodable ones are left as the raw string."""
    out = dict(params)
    for key in _JSON_FIELDS:
        value = out.get(key)
        if isinstance(value, str) and value.strip():
            with contextlib.suppress(json.JSONDecodeError):
                out[key] = json.loads(value)
    return out


def _tz_offset(tz: str) -> tuple[int, str]:
    try:
        offset = datetime.now(UTC).astimezone(ZoneInfo(tz)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return 0, tz
    return int(offset.total_seconds()) if offset else 0, tz


class WebApi:
    """Dispatches `method` + params to a handler, applying auth, faults and the call log."""

    def __init__(
        self,
        state: WorkspaceState,
        faults: Faults,
        *,
        base_url: str = "http://127.0.0.1/",
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.state = state
        self.faults = faults
        # Set by the server once it knows its port; permalinks point back at the emulator.
        self.base_url = base_url
        self._sleep = sleep
        self.handlers: dict[str, Callable[[JsonDict], JsonDict]] = {
            "auth.test": self.auth_test,
            "users.info": self.users_info,
            "conversations.open": self.conversations_open,
            "conversations.info": self.conversations_info,
            "conversations.join": self.conversations_join,
            "conversations.history": self.conversations_history,
            "chat.postMessage": self.chat_post_message,
            "chat.update": self.chat_update,
            "chat.delete": self.chat_delete,
            "chat.postEphemeral": self.chat_post_ephemeral,
            "chat.getPermalink": self.chat_get_permalink,
            "views.publish": self.views_publish,
            "views.open": self.views_open,
            "views.update": self.views_update,
            "views.push": self.views_push,
            "oauth.v2.access": self.oauth_v2_access,
        }
        # The workspace of the call being handled; set under the state lock.
        self._team_id: str | None = None

    def handle(self, method: str, params: JsonDict, bearer: str | None = None) -> ApiResult:
        params = decode_json_fields(params)
        token = bearer or (str(params["token"]) if params.get("token") else None)
        params.pop("token", None)
        handler = self.handlers.get(method)
        team_id: str | None = None
        try:
            if handler is None:
                raise SlackError("unknown_method")
            if method not in _CLIENT_AUTH_METHODS:
                if token is None:
                    raise SlackError("not_authed")
                team_id = self.state.token_team(token)
                if team_id is None:
                    raise SlackError("invalid_auth")
            fault = self.faults.take(method)
            if fault is not None:
                if fault.delay > 0:
                    # Outside the state lock: a slow Slack must not stall the other calls.
                    self._sleep(fault.delay)
                if fault.fails:
                    return self._finish(
                        method, params, SlackError.from_fault(fault), faulted=True, team_id=team_id
                    )
            with self.state.lock:
                self._team_id = team_id
                body = handler(params)
                return self._finish(method, params, body, team_id=team_id)
        except SlackError as err:
            return self._finish(method, params, err, team_id=team_id)

    def _finish(
        self,
        method: str,
        params: JsonDict,
        outcome: JsonDict | SlackError,
        *,
        faulted: bool = False,
        team_id: str | None = None,
    ) -> ApiResult:
        if isinstance(outcome, SlackError):
            body: JsonDict = {"ok": False, "error": outcome.error}
            if outcome.messages:
                body["response_metadata"] = {"messages": outcome.messages}
            headers = {}
            if outcome.retry_after is not None:
                headers["Retry-After"] = str(outcome.retry_after)
            result = ApiResult(status=outcome.status, body=body, headers=headers)
            faulted = faulted or outcome.status == 429
        else:
            result = ApiResult(status=200, body={"ok": True, **outcome})
        self.state.record_call(
            ApiCall(
                method=method,
                params=params,
                status=result.status,
                ok=bool(result.body["ok"]),
                error=result.body.get("error"),
                faulted=faulted,
                team_id=team_id,
            )
        )
        return result

    # Lookups shared by the handlers; each raises the error Slack gives for a bad reference.

    def _user(self, user_id: str) -> User:
        user = self.state.users.get(user_id)
        if user is None:
            raise SlackError("user_not_found")
        return user

    def _channel(self, ref: str) -> Channel:
        channel = self.state.find_channel(ref) if ref else None
        bot = self.state.bot.user_id
        # A private channel the bot is not in is invisible to it, as in real Slack.
        if channel is None or (channel.is_private and bot not in channel.members):
            raise SlackError("channel_not_found")
        return channel

    def _target(self, ref: str) -> Channel:
        """A channel to post in; a user id means that user's IM with the bot, as in Slack."""
        if ref in self.state.users and ref != self.state.bot.user_id:
            channel, _ = self.state.open_im(ref)
            return channel
        return self._channel(ref)

    def _require_bot_in(self, channel: Channel) -> None:
        if (
            not channel.is_im
            and channel.require_membership
            and (self.state.bot.user_id not in channel.members)
        ):
            raise SlackError("not_in_channel")

    def _content(self, params: JsonDict, *, required: bool = True) -> tuple[str | None, Any]:
        text = params.get("text")
        blocks = params.get("blocks")
        if required and not text and not blocks and not params.get("attachments"):
            raise SlackError("no_text")
        if text is not None and len(str(text)) > MAX_TEXT:
            raise SlackError("msg_too_long")
        if blocks is not None:
            if isinstance(blocks, str):
                raise SlackError("invalid_blocks_format")
            found = blockkit.problems(blocks)
            if found:
                raise SlackError("invalid_blocks", messages=found)
        return (None if text is None else str(text)), blocks

    def _view_payload(self, params: JsonDict) -> JsonDict:
        view = params.get("view")
        if not isinstance(view, dict):
            raise SlackError("invalid_arguments", messages=["missing or invalid `view`"])
        found = blockkit.problems(view.get("blocks", []), max_blocks=blockkit.MAX_VIEW_BLOCKS)
        if found:
            raise SlackError("invalid_arguments", messages=found)
        return view

    def _view_body(self, view: View) -> JsonDict:
        return {"view": view.to_slack(self.state.team.id, self.state.bot)}

    # Handlers, one per method, named after it.

    def auth_test(self, params: JsonDict) -> JsonDict:
        bot = self.state.bot
        team = self.state.teams.get(self._team_id or "", self.state.team)
        return {
            "url": self.base_url,
            "team": team.name,
            "user": bot.name,
            "team_id": team.id,
            "user_id": bot.user_id,
            "bot_id": bot.bot_id,
            "is_enterprise_install": False,
        }

    def users_info(self, params: JsonDict) -> JsonDict:
        user = self._user(_str(params, "user"))
        offset, label = _tz_offset(user.tz)
        profile: JsonDict = {
            "real_name": user.real_name,
            "real_name_normalized": user.real_name,
            "display_name": user.name,
            "display_name_normalized": user.name,
            "team": self.state.team.id,
        }
        if user.bot_id:
            profile["bot_id"] = user.bot_id
        out: JsonDict = {
            "id": user.id,
            "team_id": self.state.team.id,
            "name": user.name,
            "deleted": False,
            "real_name": user.real_name,
            "tz": user.tz,
            "tz_label": label,
            "tz_offset": offset,
            "is_admin": False,
            "is_owner": False,
            "is_bot": user.is_bot,
            "is_app_user": False,
            "updated": 0,
            "profile": profile,
        }
        if _flag(params, "include_locale"):
            out["locale"] = user.locale
        return {"user": out}

    def conversations_open(self, params: JsonDict) -> JsonDict:
        if params.get("channel"):
            channel = self._channel(_str(params, "channel"))
            existed = True
        else:
            users = [u.strip() for u in _str(params, "users").split(",") if u.strip()]
            if not users:
                raise SlackError("users_list_not_supplied")
            if len(users) > 1:
                # Group DMs are not something this bot sends; fail loudly rather than fake it.
                raise SlackError("not_supported", messages=["the emulator opens 1:1 IMs only"])
            self._user(users[0])
            channel, existed = self.state.open_im(users[0])
        bot = self.state.bot.user_id
        out: JsonDict = {
            "channel": channel.to_slack(bot) if _flag(params, "return_im") else {"id": channel.id}
        }
        if existed:
            out.update({"no_op": True, "already_open": True})
        return out

    def conversations_info(self, params: JsonDict) -> JsonDict:
        channel = self._channel(_str(params, "channel"))
        info = channel.to_slack(self.state.bot.user_id)
        if _flag(params, "include_num_members"):
            info["num_members"] = len(channel.members)
        return {"channel": info}

    def conversations_history(self, params: JsonDict) -> JsonDict:
        """Newest first, top-level messages only, as Slack; metadata only when asked for."""
        channel = self._channel(_str(params, "channel"))
        self._require_bot_in(channel)
        limit = max(1, min(int(params.get("limit") or 100), 999))
        with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        found = [
            m.to_slack(self.state.team.id)
            for m in reversed(self.state.messages(channel.id))
            if m.thread_ts in (None, m.ts)
        ][:limit]
        if not with_metadata:
            for message in found:
                message.pop("metadata", None)
        return {"messages": found, "has_more": False}

    def conversations_join(self, params: JsonDict) -> JsonDict:
        channel = self._channel(_str(params, "channel"))
        if channel.is_private or channel.is_im:
            raise SlackError("method_not_supported_for_channel_type")
        bot = self.state.bot.user_id
        already = bot in channel.members
        channel.members.add(bot)
        out: JsonDict = {"channel": channel.to_slack(bot)}
        if already:
            out.update(
                {
                    "warning": "already_in_channel",
                    "response_metadata": {"warnings": ["already_in_channel"]},
                }
            )
        return out

    def chat_post_message(self, params: JsonDict) -> JsonDict:
        channel = self._target(_str(params, "channel"))
        text, blocks = self._content(params)
        self._require_bot_in(channel)
        throttled = self.faults.channel_limit(channel.id)
        if throttled is not None:
            raise SlackError.from_fault(throttled)
        bot = self.state.bot
        message = self.state.post(
            channel.id,
            user=bot.user_id,
            text=text or "",
            blocks=blocks or [],
            thread_ts=_str(params, "thread_ts") or None,
            bot_id=bot.bot_id,
            metadata=params.get("metadata") if isinstance(params.get("metadata"), dict) else None,
        )
        return {
            "channel": channel.id,
            "ts": message.ts,
            "message": message.to_slack(self.state.team.id),
        }

    def chat_update(self, params: JsonDict) -> JsonDict:
        channel = self._channel(_str(params, "channel"))
        text, blocks = self._content(params)
        message = self.state.find_message(channel.id, _str(params, "ts"))
        if message is None:
            raise SlackError("message_not_found")
        if message.user != self.state.bot.user_id:
            raise SlackError("cant_update_message")
        # Slack keeps whichever of text and blocks the update leaves out.
        self.state.edit(
            message,
            text=message.text if text is None else text,
            blocks=message.blocks if blocks is None else blocks,
        )
        return {
            "channel": channel.id,
            "ts": message.ts,
            "text": message.text,
            "message": message.to_slack(self.state.team.id),
        }

    def chat_delete(self, params: JsonDict) -> JsonDict:
        channel = self._channel(_str(params, "channel"))
        message = self.state.find_message(channel.id, _str(params, "ts"))
        if message is None:
            raise SlackError("message_not_found")
        if message.user != self.state.bot.user_id:
            raise SlackError("cant_delete_message")
        message.deleted = True
        return {"channel": channel.id, "ts": message.ts}

    def chat_post_ephemeral(self, params: JsonDict) -> JsonDict:
        user = self._user(_str(params, "user"))
        channel = self._channel(_str(params, "channel"))
        text, blocks = self._content(params)
        self._require_bot_in(channel)
        if user.id not in channel.members:
            raise SlackError("user_not_in_channel")
        ephemeral = self.state.post_ephemeral(
            channel.id,
            user=user.id,
            text=text or "",
            blocks=blocks or [],
            thread_ts=_str(params, "thread_ts") or None,
        )
        return {"message_ts": ephemeral.message_ts}

    def chat_get_permalink(self, params: JsonDict) -> JsonDict:
        channel = self._channel(_str(params, "channel"))
        message = self.state.find_message(channel.id, _str(params, "message_ts"))
        if message is None:
            raise SlackError("message_not_found")
        link = f"{self.base_url}archives/{channel.id}/p{message.ts.replace('.', '')}"
        if message.thread_ts and message.thread_ts != message.ts:
            link += f"?thread_ts={message.thread_ts}&cid={channel.id}"
        return {"channel": channel.id, "permalink": link}

    def views_publish(self, params: JsonDict) -> JsonDict:
        user = self._user(_str(params, "user_id"))
        payload = self._view_payload(params)
        current = self.state.home_view(user.id)
        expected = _str(params, "hash")
        if expected and current is not None and current.hash != expected:
            raise SlackError("hash_conflict")
        return self._view_body(self.state.publish_home(user.id, payload))

    def views_open(self, params: JsonDict) -> JsonDict:
        trigger_id = _str(params, "trigger_id")
        if not trigger_id:
            raise SlackError("invalid_trigger_id")
        payload = self._view_payload(params)
        return self._view_body(self.state.open_modal(payload, trigger_id=trigger_id))

    def views_push(self, params: JsonDict) -> JsonDict:
        trigger_id = _str(params, "trigger_id")
        if not trigger_id:
            raise SlackError("invalid_trigger_id")
        payload = self._view_payload(params)
        below = self.state.latest_modal(self.state.trigger_user(trigger_id))
        return self._view_body(
            self.state.open_modal(payload, trigger_id=trigger_id, previous=below)
        )

    def views_update(self, params: JsonDict) -> JsonDict:
        view_id, external_id = _str(params, "view_id"), _str(params, "external_id")
        if not view_id and not external_id:
            raise SlackError("invalid_arguments", messages=["view_id or external_id required"])
        payload = self._view_payload(params)
        view = self.state.find_view(view_id=view_id or None, external_id=external_id or None)
        if view is None:
            raise SlackError("not_found")
        expected = _str(params, "hash")
        if expected and expected != view.hash:
            raise SlackError("hash_conflict")
        self.state.update_view(view, payload)
        return self._view_body(view)

    def oauth_v2_access(self, params: JsonDict) -> JsonDict:
        """Install (a code from the authorize page) or token rotation (a refresh token).

        The client id and secret (HTTP basic auth) are not checked: the fake knows no app.
        """
        grant = _str(params, "grant_type") or "authorization_code"
        if grant == "refresh_token":
            refreshed = self.state.refresh(_str(params, "refresh_token"))
            if refreshed is None:
                raise SlackError("invalid_refresh_token")
            return refreshed
        if grant != "authorization_code":
            raise SlackError("invalid_grant_type")
        installed = self.state.exchange_code(_str(params, "code"))
        if installed is None:
            raise SlackError("invalid_code")
        return installed
