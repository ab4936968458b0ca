"""Slack's payloads as Slack sends them (bolt-python's tests/scenario_tests hold the same
shapes), and small ways to break them, for the envelope and gate tests."""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import urlencode

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
TEAM, USER, CHANNEL = "T0001", "U0001", "C0001"

COMMAND = {
    "token": "legacy",
    "team_id": TEAM,
    "team_domain": "kommunen",
    "channel_id": CHANNEL,
    "channel_name": "kommunen-x",
    "user_id": USER,
    "user_name": "anna",
    "command": "/forvaltning",
    "text": "klar 1.2",
    "api_app_id": "A0001",
    "is_enterprise_install": "false",
    "response_url": "https://hooks.slack.com/commands/T0001/1/abc",
    "trigger_id": "13345224609.738474920.8088930838d88f008e0",
}
# As Slack sends them (bolt-python's tests/scenario_tests hold the same shapes).
CLICK: dict[str, Any] = {
    "type": "block_actions",
    "user": {"id": USER, "username": "anna", "name": "anna", "team_id": TEAM},
    "api_app_id": "A0001",
    "token": "legacy",
    "container": {
        "type": "message",
        "message_ts": "1596530385.194939",
        "channel_id": CHANNEL,
        "is_ephemeral": False,
    },
    "trigger_id": "111.222.valid",
    "team": {"id": TEAM, "domain": "kommunen"},
    "enterprise": None,
    "is_enterprise_install": False,
    "channel": {"id": CHANNEL, "name": "kommunen-x"},
    "message": {"type": "message", "ts": "1596530385.194939", "text": "", "blocks": []},
    "response_url": "https://hooks.slack.com/actions/T0001/111/random-value",
    "actions": [
        {
            "action_id": "activity_done",
            "block_id": "actions",
            "text": {"type": "plain_text", "text": "Klar", "emoji": True},
            "value": "12",
            "type": "button",
            "action_ts": "1596530385.194939",
        }
    ],
}
SUBMISSION: dict[str, Any] = {
    "type": "view_submission",
    "team": {"id": TEAM, "domain": "kommunen"},
    "user": {"id": USER, "username": "anna", "name": "anna", "team_id": TEAM},
    "api_app_id": "A0001",
    "token": "legacy",
    "trigger_id": "111.222.other",
    "view": {
        "id": "V0001",
        "team_id": TEAM,
        "type": "modal",
        "blocks": [],
        "private_metadata": '{"vote": 3}',
        "callback_id": "reservation",
        "state": {
            "values": {"reason": {"reason_text": {"type": "plain_text_input", "value": "x"}}}
        },
        "hash": "1596530361.3wRYuk3R",
        "app_installed_team_id": TEAM,
    },
    "response_urls": [],
}
EVENT: dict[str, Any] = {
    "token": "legacy",
    "team_id": TEAM,
    "api_app_id": "A0001",
    "event": {"type": "app_home_opened", "user": USER, "channel": "D0001", "tab": "home"},
    "type": "event_callback",
    "event_id": "Ev0PV52K21",
    "event_time": 1596530385,
    "authorizations": [{"team_id": TEAM, "user_id": "U0BOT", "is_bot": True}],
}


def form(fields: dict[str, Any]) -> bytes:
    return urlencode(fields).encode()


def payload(body: Any) -> bytes:
    return form({"payload": json.dumps(body)})


def changed(base: dict[str, Any], path: str, value: Any = ...) -> dict[str, Any]:
    """`base` with the field at a dotted path set to `value`, or removed (no value)."""
    out = copy.deepcopy(base)
    *parents, last = path.split(".")
    target: Any = out
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return out
