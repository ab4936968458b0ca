"""What Slack sends the bot, built from the fake workspace: commands, clicks, submits (events:
`bot.emulator.event_payloads`).

Fields are filled from the workspace (user and channel names, the clicked message, the modal
being submitted), so what the bot receives matches what it rendered. `SlackRequester` signs
and sends them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.emulator.blocks import find_action
from bot.emulator.ledger import JsonDict
from bot.emulator.origin import HOME, Origin, grid_fields
from bot.emulator.server import FakeSlack
from bot.emulator.views import View

# Slack still sends the deprecated verification token; Bolt ignores it when signing is used.
VERIFICATION_TOKEN = "legacy-verification-token"  # noqa: S105  (a fake, by design)


def slash_command(
    fake: FakeSlack,
    text: str,
    *,
    user_id: str,
    channel_id: str,
    command: str,
    origin: Origin = HOME,
) -> dict[str, str]:
    """The form Slack posts for `command text` typed by `user_id` in `channel_id`."""
    state = fake.state
    team = state.teams.get(origin.team(fake), state.team)
    user = state.users.get(user_id)
    channel = state.channels.get(channel_id)
    channel_name = (
        "directmessage"
        if channel is not None and channel.is_im
        else channel.name
        if channel is not None
        else channel_id
    )
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team.id,
        "team_domain": team.domain,
        **grid_fields(origin),
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user.name if user else user_id,
        "command": command,
        "text": text,
        "api_app_id": state.bot.app_id,
        "is_enterprise_install": "true" if origin.is_enterprise_install else "false",
        "response_url": fake.response_url(channel=channel_id, user=user_id),
        "trigger_id": fake.issue_trigger_id(user_id),
    }


def rendered_click(
    fake: FakeSlack,
    action_id: str,
    *,
    user_id: str,
    channel_id: str | None,
    message_ts: str | None,
    view_id: str | None,
    value: str | None,
    action_ts: str,
    origin: Origin = HOME,
) -> JsonDict:
    """`block_actions` for a button the bot rendered in a stored message or view.

    Clicking one that is not there raises LookupError instead of building a payload the bot
    could never receive.
    """
    payload = interaction_base(fake, "block_actions", user_id, origin)
    if view_id is not None:
        blocks = _view_container(fake, payload, view_id)
    elif channel_id is not None and message_ts is not None:
        blocks = _message_container(fake, payload, user_id, channel_id, message_ts)
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
        "action_ts": action_ts,
    }
    if "text" in element:
        action["text"] = element["text"]
    if "value" in element:
        action["value"] = element["value"]
    payload["actions"] = [action]
    return payload


def _view_container(fake: FakeSlack, payload: JsonDict, view_id: str) -> list[JsonDict]:
    """Fill in the view clicked in; returns its blocks."""
    view = fake.state.find_view(view_id=view_id)
    if view is None:
        raise LookupError(f"no view {view_id}")
    payload["container"] = {"type": "view", "view_id": view.id}
    payload["view"] = view_json(fake, view)
    return view.blocks


def _message_container(
    fake: FakeSlack, payload: JsonDict, user_id: str, channel_id: str, message_ts: str
) -> list[JsonDict]:
    """Fill in the message clicked in; returns its blocks."""
    state = fake.state
    message = state.find_message(channel_id, message_ts)
    # A button in an ephemeral message (a command's private reply) works too; Slack then
    # sends no `message`, only the container saying it was ephemeral.
    ephemeral = state.find_ephemeral(channel_id, message_ts, user_id) if message is None else None
    if message is None and ephemeral is None:
        raise LookupError(f"no message {message_ts} in {channel_id}")
    _in_message(
        fake,
        payload,
        user_id,
        channel_id,
        message_ts,
        channel_name=state.channels[channel_id].name,
        ephemeral=ephemeral is not None,
    )
    if message is not None:
        payload["message"] = message.to_slack(state.team.id)
        return message.blocks
    assert ephemeral is not None
    return ephemeral.blocks


def _in_message(
    fake: FakeSlack,
    payload: JsonDict,
    user_id: str,
    channel_id: str,
    message_ts: str | None,
    *,
    channel_name: str,
    ephemeral: bool,
) -> None:
    """Say which message was clicked in, with a response_url that answers into it."""
    payload["container"] = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel_id,
        "is_ephemeral": ephemeral,
    }
    payload["channel"] = {"id": channel_id, "name": channel_name}
    payload["response_url"] = fake.response_url(
        channel=channel_id, user=user_id, message_ts=message_ts
    )


def built_click(
    fake: FakeSlack,
    *,
    user_id: str,
    action_id: str,
    value: str | None,
    block_id: str,
    channel_id: str | None,
    message_ts: str | None,
    action_ts: str,
    origin: Origin = HOME,
) -> JsonDict:
    """`block_actions` built from the arguments alone, for payloads the bot never rendered."""
    state = fake.state
    payload = interaction_base(fake, "block_actions", user_id, origin)
    action: JsonDict = {
        "action_id": action_id,
        "block_id": block_id,
        "type": "button",
        "text": {"type": "plain_text", "text": action_id, "emoji": True},
        "action_ts": action_ts,
    }
    if value is not None:
        action["value"] = value
    payload["actions"] = [action]
    if channel_id is not None:
        channel = state.channels.get(channel_id)
        message = state.find_message(channel_id, message_ts) if message_ts else None
        _in_message(
            fake,
            payload,
            user_id,
            channel_id,
            message_ts,
            channel_name=channel.name if channel else "",
            ephemeral=False,
        )
        payload["message"] = (
            message.to_slack(state.team.id)
            if message
            else {"type": "message", "ts": message_ts, "text": ""}
        )
    return payload


def view_submission(
    fake: FakeSlack,
    *,
    user_id: str,
    view_id: str | None,
    values: Mapping[str, Mapping[str, Any]],
    callback_id: str | None,
    private_metadata: str | None,
    origin: Origin = HOME,
) -> JsonDict:
    """A modal submitted: by default the user's latest opened one.

    `values` is `{block_id: {action_id: value}}`; a plain string value stands for a
    plain_text_input, anything else is passed through as Slack's state entry.
    """
    state = fake.state
    view = state.find_view(view_id=view_id) if view_id else state.latest_modal(user_id)
    if view is None and callback_id is None:
        raise LookupError(f"no open modal for {user_id} and no callback_id given")
    view_fields: JsonDict = (
        view_json(fake, view)
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
        view_fields["callback_id"] = callback_id
    if private_metadata is not None:
        view_fields["private_metadata"] = private_metadata
    view_fields["state"] = {"values": _state_values(values)}
    if origin.connect:
        # Opened in the visitor's workspace through a Slack Connect channel: the view is
        # theirs, and Slack names the workspace the app is installed in beside it.
        view_fields["team_id"] = origin.user_team(fake)
        view_fields["app_installed_team_id"] = origin.team(fake)
        payload = interaction_base(fake, "view_submission", user_id, origin, team="user")
    else:
        payload = interaction_base(fake, "view_submission", user_id, origin)
    payload.update({"view": view_fields, "response_urls": []})
    return payload


def interaction_base(
    fake: FakeSlack, kind: str, user_id: str, origin: Origin = HOME, *, team: str = "installed"
) -> JsonDict:
    """What every interaction carries. `team` is the installed workspace, or the user's for
    a dialog opened in theirs (`team="user"`); an org-wide install sends `team: null`."""
    state = fake.state
    user = state.users.get(user_id)
    team_id = origin.user_team(fake) if team == "user" else origin.team(fake)
    found = state.teams.get(team_id)
    team_json: JsonDict | None = {
        "id": team_id,
        "domain": found.domain if found else team_id.lower(),
    }
    if origin.enterprise_id is not None and team_json is not None:
        team_json.update(enterprise_id=origin.enterprise_id, enterprise_name="Org")
    if origin.is_enterprise_install:
        team_json = None
    return {
        "type": kind,
        "token": VERIFICATION_TOKEN,
        "api_app_id": state.bot.app_id,
        "team": team_json,
        "enterprise": (
            None
            if origin.enterprise_id is None
            else {"id": origin.enterprise_id, "name": f"Org {origin.enterprise_id}"}
        ),
        "is_enterprise_install": origin.is_enterprise_install,
        "user": {
            "id": user_id,
            "username": user.name if user else user_id,
            "name": user.name if user else user_id,
            "team_id": origin.user_team(fake),
        },
        "trigger_id": fake.issue_trigger_id(user_id),
    }


def view_json(fake: FakeSlack, view: View) -> JsonDict:
    return view.to_slack(fake.state.team.id, fake.state.bot)


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
