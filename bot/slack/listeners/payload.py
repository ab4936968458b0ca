"""What the bot reads out of Slack's interaction payloads: who, which row, where from."""

from __future__ import annotations

import json
import re
from typing import Any

from slack_bolt import BoltContext

from bot.services.context import Actor
from messages.ids import ActionId, BlockId, InputId

_ID = re.compile(r"[0-9]{1,12}")


def actor(body: dict[str, Any], context: BoltContext) -> Actor:
    """Who acted, in the workspace Bolt authorized the request for: the installed one.

    In a Slack Connect channel someone of another organisation has their own `user.team_id`,
    and a dialog opened there carries the installed workspace as `view.app_installed_team_id`;
    Bolt resolves that first, then `team.id`, then (org-wide installs send `team: null`) the
    user's own. Our records belong to that workspace, never to the visitor's.
    """
    team = body.get("team") or {}
    team_id = context.team_id or team.get("id") or body["user"]["team_id"]
    return Actor(team_id=team_id, user_id=body["user"]["id"])


def row_id(value: object) -> int | None:
    """The id a button we rendered carries in its value (an activity's or a vote's)."""
    return int(value) if isinstance(value, str) and _ID.fullmatch(value) else None


def message_origin(body: dict[str, Any]) -> tuple[str, str] | None:
    """The channel and ts of the message a click came from, as the payload claims them.

    A claim only: the bot redraws a message it finds in its own records of what it posted
    to the clicker (services.reminders.request_update), never what the payload lists.
    """
    container = body.get("container")
    if not isinstance(container, dict) or container.get("type") != "message":
        return None
    channel, ts = container.get("channel_id"), container.get("message_ts")
    if not isinstance(channel, str) or not isinstance(ts, str) or not channel or not ts:
        return None
    return channel, ts


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    """What a dialog we opened carries in its private_metadata; {} if it is not ours."""
    try:
        found = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def reason(view: dict[str, Any]) -> str:
    """The text typed in a dialog's reason field (the reason and the reservation dialogs), as
    typed: cleaning it is the domain's (bot.domain.text.written)."""
    value = (
        ((view.get("state") or {}).get("values") or {})
        .get(BlockId.REASON.value, {})
        .get(ActionId.REASON_TEXT.value, {})
        .get("value")
    )
    return value if isinstance(value, str) else ""


def choice(view: dict[str, Any]) -> str | None:
    """The option picked in a dialog's select (the jäv dialog's ground), if any."""
    state = ((view.get("state") or {}).get("values") or {}).get(BlockId.JAV_GROUND.value, {})
    picked = (state.get(InputId.JAV_GROUND.value) or {}).get("selected_option") or {}
    value = picked.get("value")
    return value if isinstance(value, str) else None
