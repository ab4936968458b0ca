"""Signed payloads built from the fake workspace as Slack shapes them, for tests to break."""

from __future__ import annotations

import json
from typing import Any

from bot.emulator import SlackRequester

JsonDict = dict[str, Any]


def command_form(slack: SlackRequester, user: str, channel: str, text: str) -> dict[str, str]:
    state = slack.fake.state
    return {
        "token": "legacy-verification-token",
        "team_id": state.team.id,
        "team_domain": state.team.domain,
        "channel_id": channel,
        "channel_name": "kommunen-x",
        "user_id": user,
        "user_name": "anna",
        "command": "/forvaltning",
        "text": text,
        "api_app_id": state.bot.app_id,
        "response_url": slack.fake.response_url(channel=channel, user=user),
        "trigger_id": slack.fake.issue_trigger_id(user),
    }


def _base(slack: SlackRequester, kind: str, user: str) -> JsonDict:
    state = slack.fake.state
    return {
        "type": kind,
        "token": "legacy-verification-token",
        "api_app_id": state.bot.app_id,
        "team": {"id": state.team.id, "domain": state.team.domain},
        "enterprise": None,
        "is_enterprise_install": False,
        "user": {"id": user, "username": "u", "name": "u", "team_id": state.team.id},
        "trigger_id": slack.fake.issue_trigger_id(user),
    }


def click(slack: SlackRequester, user: str, channel: str, action_id: str, value: str) -> JsonDict:
    """A button in a message of `channel` (Slack sends the container, message and where to
    answer)."""
    ts = slack.fake.state.next_ts()
    return {
        **_base(slack, "block_actions", user),
        "container": {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel,
            "is_ephemeral": False,
        },
        "channel": {"id": channel, "name": "kommunen-x"},
        "message": {"type": "message", "ts": ts, "text": "", "blocks": []},
        "response_url": slack.fake.response_url(channel=channel, user=user, message_ts=ts),
        "actions": [
            {
                "action_id": action_id,
                "block_id": "actions",
                "type": "button",
                "text": {"type": "plain_text", "text": "x", "emoji": True},
                "value": value,
                "action_ts": ts,
            }
        ],
    }


def submission(
    slack: SlackRequester, user: str, callback_id: str, metadata: Any, reason: str
) -> JsonDict:
    state = slack.fake.state
    return {
        **_base(slack, "view_submission", user),
        "view": {
            "id": state.new_id("V"),
            "team_id": state.team.id,
            "type": "modal",
            "blocks": [],
            "private_metadata": metadata if isinstance(metadata, str) else json.dumps(metadata),
            "callback_id": callback_id,
            "state": {
                "values": {"reason": {"reason_text": {"type": "plain_text_input", "value": reason}}}
            },
            "hash": "1596530361.3wRYuk3R",
            "app_id": state.bot.app_id,
        },
        "response_urls": [],
    }
