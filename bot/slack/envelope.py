"""What a signed request says, read once and checked against the shapes Slack sends.

The body is parsed the way Bolt parses it (so what is checked is what Bolt will act on), then
held against the shape of its kind: a slash command, a button click (block_actions), a dialog
submission (view_submission), an event, or Slack's URL check. Every field Bolt's context
extraction or a listener reads has its type, and the ids their length and characters, so a
listener never meets a list where Slack sends an object. Anything else is not a request this
bot acts on: it is answered 200 with nothing done.

The replay key is what Slack makes unique per action (see `_replay_key`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qsl

from bot.commands import Help, Mine, Minutes, Status
from bot.domain.errors import DomainError
from bot.slack.dialect import parse
from bot.slack.shapes import (
    Shape,
    anything,
    either,
    items,
    maybe,
    obj,
    text,
    values,
)

# Team, user, channel and enterprise ids: what Slack issues, and what our columns hold.
SLACK_ID = text(r"[A-Z0-9]{1,32}")
TS = text(r"[0-9]{1,12}\.[0-9]{1,9}")
TRIGGER_ID = text(r"[A-Za-z0-9._-]{1,255}")
# action_id, block_id, callback_id: the app's own, up to Block Kit's 255, no control characters.
NAME = text(r"[^\x00-\x1f\x7f]{0,255}")
URL = text(r"https?://[^\s\x00-\x1f\x7f]{1,2000}")
EVENT_ID = text(r"[A-Za-z0-9]{1,64}")


READS_ONLY = (Help, Status, Mine, Minutes)


class Kind(StrEnum):
    COMMAND = "command"
    BLOCK_ACTIONS = "block_actions"
    VIEW_SUBMISSION = "view_submission"
    EVENT = "event_callback"
    URL_VERIFICATION = "url_verification"


@dataclass(frozen=True)
class Envelope:
    kind: Kind
    body: dict[str, Any]
    team_id: str
    replay_key: str | None  # None where a replay changes nothing or is caught elsewhere


@dataclass(frozen=True)
class Unreadable:
    """Not text, not a form, not JSON: answered 400."""

    reason: str


@dataclass(frozen=True)
class Malformed:
    """Read, but not a request of a shape Slack sends this bot: answered 200, nothing done."""

    reason: str
    kind: str


def _bolt_fields() -> Mapping[str, Shape]:
    """What Bolt's context extraction reads, at the top and in what it recurses into."""
    nested = obj(optional=_bolt_fields)
    return {
        "type": text(max_length=64),
        "enterprise": maybe(either(SLACK_ID, obj(optional={"id": SLACK_ID}))),
        "enterprise_id": maybe(SLACK_ID),
        "team": maybe(either(SLACK_ID, obj(optional={"id": SLACK_ID, "enterprise_id": SLACK_ID}))),
        "team_id": maybe(SLACK_ID),
        "user": maybe(either(SLACK_ID, obj(optional={"id": SLACK_ID, "team_id": SLACK_ID}))),
        "user_id": maybe(SLACK_ID),
        "channel": maybe(either(SLACK_ID, obj(optional={"id": SLACK_ID}))),
        "channel_id": maybe(SLACK_ID),
        "authorizations": maybe(items(nested)),
        "event": maybe(nested),
        "message": maybe(nested),
        "previous_message": maybe(nested),
        "item": maybe(nested),
        "assistant_thread": maybe(nested),
        "view": maybe(obj(optional={"team_id": SLACK_ID, "app_installed_team_id": SLACK_ID})),
        "function_data": maybe(obj()),
        "thread_ts": maybe(TS),
        "trigger_id": maybe(TRIGGER_ID),
        "response_url": maybe(URL),
        # Bolt's context logs more than one through a logger it has not set yet, and raises.
        "response_urls": items(obj(optional={"response_url": URL}), max_length=1),
        "command": text(max_length=64),
    }


_USER = obj(required={"id": SLACK_ID}, optional={"team_id": SLACK_ID})
_ACTION = obj(
    required={"action_id": NAME},
    optional={"block_id": NAME, "action_ts": TS, "type": NAME, "value": text(max_length=2000)},
)
_CONTAINER = obj(
    optional={
        "type": NAME,
        "message_ts": maybe(TS),
        "channel_id": SLACK_ID,
        "view_id": SLACK_ID,
        "is_ephemeral": anything,
    }
)
_MESSAGE = obj(optional={"ts": maybe(TS), "blocks": items(obj(optional={"block_id": NAME}))})
_STATE_VALUES = values(values(obj(optional={"type": NAME, "value": maybe(text())})))
_VIEW = obj(
    required={
        "id": SLACK_ID,
        "type": NAME,  # Bolt reads it to tell a workflow step from a modal
        "callback_id": NAME,
        "state": obj(required={"values": _STATE_VALUES}),
    },
    optional={
        "team_id": SLACK_ID,
        "app_installed_team_id": SLACK_ID,
        "private_metadata": text(max_length=3000),
        "blocks": items(obj(optional={"type": NAME, "block_id": NAME}), max_length=100),
    },
)
_FIELDS: dict[Kind, Mapping[str, Shape]] = {
    Kind.COMMAND: {
        "command": text(r"/\S{1,31}"),
        "team_id": SLACK_ID,
        "user_id": SLACK_ID,
        "channel_id": SLACK_ID,
        "trigger_id": TRIGGER_ID,
    },
    Kind.BLOCK_ACTIONS: {
        "user": _USER,
        "trigger_id": TRIGGER_ID,
        "actions": items(_ACTION, min_length=1, max_length=25),
    },
    Kind.VIEW_SUBMISSION: {"user": _USER, "trigger_id": TRIGGER_ID, "view": _VIEW},
    Kind.EVENT: {"team_id": SLACK_ID, "event_id": EVENT_ID, "event": obj({"type": NAME})},
    Kind.URL_VERIFICATION: {"challenge": text(max_length=1000)},
}
_MORE: dict[Kind, Mapping[str, Shape]] = {
    Kind.COMMAND: {"text": text()},
    Kind.BLOCK_ACTIONS: {
        "team": maybe(obj(required={"id": SLACK_ID})),
        "container": _CONTAINER,
        "message": _MESSAGE,
        "channel": obj(required={"id": SLACK_ID}),
    },
    Kind.VIEW_SUBMISSION: {"team": maybe(obj(required={"id": SLACK_ID}))},
}
# The events the manifest subscribes to, with the fields Slack always sends in them.
_EVENT_FIELDS: dict[str, Mapping[str, Shape]] = {
    "app_home_opened": {"user": SLACK_ID, "tab": NAME},
    "member_joined_channel": {"user": SLACK_ID, "channel": SLACK_ID},
}
SHAPES: dict[Kind, Shape] = {
    kind: obj(required=fields, optional={**_bolt_fields(), **_MORE.get(kind, {})})
    for kind, fields in _FIELDS.items()
}


def read(raw: bytes, content_type: str) -> Any:
    """The body as Slack meant it, strict: raises ValueError where Bolt's parse_body would raise
    anything, and for what Slack never sends (NaN, a lone surrogate, a NUL).

    Unlike Bolt, a form is an interaction only if it has a `payload` field: Bolt reads any form
    with the word in it as empty, and the gate re-spells such a command before Bolt sees it."""
    body = raw.decode("utf-8")
    if not body:
        return {}
    try:
        if content_type.split(";")[0] == "application/json" or body.startswith("{"):
            return _json(body)
        form = dict(parse_qsl(body, keep_blank_values=True))
        if "payload" in form:
            return _json(form["payload"])
        _check_strings(form)
        return form
    except RecursionError as nested:  # nesting deeper than the parser goes: not Slack's
        raise ValueError("nested too deep") from nested


def open_envelope(raw: bytes, content_type: str) -> Envelope | Unreadable | Malformed:
    try:
        body = read(raw, content_type)
    except ValueError as err:
        return Unreadable(_reason(err))
    if not isinstance(body, dict):
        return Malformed(f"a JSON {type(body).__name__}, not an object", "")
    kind = _kind_of(body)
    if kind is None:
        named = body.get("type")
        shown = named[:32] if isinstance(named, str) and named.isprintable() else "?"
        return Malformed("not a kind of request this bot handles", shown)
    try:
        problem = SHAPES[kind](body, "") or _cross_checks(kind, body)
    except RecursionError:
        problem = "nested too deep"
    if problem:
        return Malformed(problem, kind.value)
    team_id = _team_id(kind, body)
    if team_id is None:
        return Malformed("no team", kind.value)
    return Envelope(kind, body, team_id, _replay_key(kind, team_id, body))


def _kind_of(body: dict[str, Any]) -> Kind | None:
    # In Bolt's order: a body with `command` is a slash command, whatever else it says.
    if "command" in body:
        return Kind.COMMAND
    try:
        return Kind(str(body.get("type")))
    except ValueError:
        return None


def _cross_checks(kind: Kind, body: dict[str, Any]) -> str | None:
    """What Slack's shapes tie together: a click on a message says where it is and where to
    answer; an event of ours carries its fields."""
    if kind is Kind.BLOCK_ACTIONS:
        container = body.get("container") or {}
        if container.get("type") == "message" and container.get("message_ts"):
            if not container.get("channel_id"):
                return "container.channel_id: missing"
            if not body.get("response_url"):
                return "response_url: missing"
    if kind is Kind.EVENT:
        fields = _EVENT_FIELDS.get(body["event"]["type"], {})
        return obj(required=fields)(body["event"], "event")
    return None


def _team_id(kind: Kind, body: dict[str, Any]) -> str | None:
    if kind in (Kind.COMMAND, Kind.EVENT):
        return str(body["team_id"])
    if kind is Kind.URL_VERIFICATION:
        return ""
    team = (body.get("team") or {}).get("id") or body["user"].get("team_id")
    return str(team) if team else None


def _replay_key(kind: Kind, team_id: str, body: dict[str, Any]) -> str | None:
    """What Slack makes unique per action, hashed to a fixed length.

    trigger_id is issued fresh for every command invocation and every interaction (it is the
    3-second licence to open a modal for that one action), so it alone would do; the second
    part is what Slack stamps on the action itself (a click's action_ts, the submitted view's
    id), so that two actions could only collide if Slack repeated both. Events are kept out:
    their retries are deduplicated by event_id (bot/slack/listeners/events.py); so are the
    subcommands that only read.
    """
    match kind:
        case Kind.COMMAND:
            if _reads_only(str(body.get("text") or "")):
                return None
            parts = [body["trigger_id"]]
        case Kind.BLOCK_ACTIONS:
            parts = [body["trigger_id"], str(body["actions"][0].get("action_ts") or "")]
        case Kind.VIEW_SUBMISSION:
            parts = [body["trigger_id"], body["view"]["id"]]
        case _:
            return None
    joined = "\x1f".join([kind.value, team_id, *parts])
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def _reads_only(text_: str) -> bool:
    """A subcommand that only reads (or is refused as it is parsed) changes nothing when
    played again, so it costs no write: on SQLite a read takes no write lock at all."""
    try:
        return isinstance(parse(text_), READS_ONLY)
    except DomainError:
        return True


def _json(text_: str) -> Any:
    value = json.loads(text_, parse_constant=_no_constant)
    # A NUL or a lone surrogate can only come from an escape: the text is decoded UTF-8 (no
    # surrogates) and JSON refuses a raw control character in a string. Without one that
    # could be either, the walk over every string (a click's message holds hundreds) is spared.
    if _MAYBE_UNSTORABLE.search(text_):
        _check_strings(value)
    return value


_MAYBE_UNSTORABLE = re.compile(r"\\u(?:0000|d[89a-f])", re.IGNORECASE)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _check_strings(value: Any) -> None:
    """Slack sends UTF-8 without NULs; PostgreSQL cannot store a NUL or a lone surrogate."""
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item or not _encodable(item):
                raise ValueError("a string Slack never sends")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _reason(err: ValueError) -> str:
    if isinstance(err, UnicodeDecodeError):
        return "not UTF-8"
    if isinstance(err, json.JSONDecodeError):
        return "not JSON"
    return str(err)[:80] or type(err).__name__
