"""What the bot reads out of Slack's interaction payloads: who, which row, where from."""

from __future__ import annotations

import json
import re
from typing import Any

from slack_bolt import BoltContext

from bot.services.context import Actor
from messages.ids import ActionId, BlockId, InputId

_ID = re.compile(r"[0-9]{1,12}")
_REMINDER_ITEM = re.compile(rf"{BlockId.REMINDER}:([0-9]{{1,12}})")


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


def reminder_origin(body: dict[str, Any]) -> dict[str, Any] | None:
    """The reminder DM a click came from: its channel, ts and listed activities; else None."""
    container = body.get("container") or {}
    if container.get("type") != "message" or not container.get("message_ts"):
        return None
    blocks = (body.get("message") or {}).get("blocks") or []
    matches = (_REMINDER_ITEM.fullmatch(str(b.get("block_id", ""))) for b in blocks)
    ids = [int(m[1]) for m in matches if m]
    if not ids:
        return None
    return {"channel": container["channel_id"], "ts": container["message_ts"], "activities": ids}


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    """What a dialog we opened carries in its private_metadata; {} if it is not ours."""
    try:
        found = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def reason(view: dict[str, Any]) -> str:
    """The text typed in a dialog's reason field (the reason and the reservation dialogs)."""
    value = (
        ((view.get("state") or {}).get("values") or {})
        .get(BlockId.REASON.value, {})
        .get(ActionId.REASON_TEXT.value, {})
        .get("value")
    )
    return (value or "").strip()


def choice(view: dict[str, Any]) -> str | None:
    """The option picked in a dialog's select (the jäv dialog's ground), if any."""
    state = ((view.get("state") or {}).get("values") or {}).get(BlockId.JAV_GROUND.value, {})
    picked = (state.get(InputId.JAV_GROUND.value) or {}).get("selected_option") or {}
    value = picked.get("value")
    return value if isinstance(value, str) else None
