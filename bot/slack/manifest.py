"""The Slack app manifest: creates the app with exactly what the code uses, in one step."""

from __future__ import annotations

from typing import Any

from bot.http import EVENTS_PATH
from bot.slack.listeners.commands import COMMAND

# Each Web API method the bot calls, and the bot scope it needs. A test checks that every
# method the bot calls in the end-to-end suite is listed here.
SCOPES_BY_METHOD: dict[str, str | None] = {
    "auth.test": None,
    "users.info": "users:read",
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.getPermalink": None,
    "conversations.join": "channels:join",
    "conversations.history": "channels:history",
    "conversations.open": "im:write",
    # Which channels a person is in, before `kanaler` or `styrgruppskanal` names them (public
    # ones under channels:read, private ones under groups:read, both in EXTRA_SCOPES).
    "users.conversations": "channels:read",
    "views.publish": None,
    "views.open": None,
}
COMMAND_SCOPE = "commands"


# History of private channels and DMs (the duplicate check before a doubtful post), and the
# join event for private channels.
EXTRA_SCOPES = ("groups:history", "im:history", "channels:read", "groups:read")


def bot_scopes() -> list[str]:
    return sorted({COMMAND_SCOPE, *EXTRA_SCOPES, *(s for s in SCOPES_BY_METHOD.values() if s)})


def manifest(*, request_url: str | None = None, name: str = "Förvaltningsbot") -> dict[str, Any]:
    """Socket Mode when `request_url` is None; else HTTP with Slack calling `request_url`."""
    events_url = None if request_url is None else request_url.rstrip("/") + EVENTS_PATH
    command: dict[str, Any] = {
        "command": COMMAND,
        "description": "Förvaltning och Milstolpe VII för anslutning till Mina meddelanden",
        "usage_hint": "hjälp | nytt <namn> | status",
        # Mentions and channels arrive as <@U…|name> and <#C…|name>, which the parser expects.
        "should_escape": True,
    }
    settings: dict[str, Any] = {
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": events_url is None,
        "token_rotation_enabled": False,
        # member_joined_channel: when someone invites the bot to a private stakeholder channel,
        # the announcement that could not reach it is sent.
        "event_subscriptions": {"bot_events": ["app_home_opened", "member_joined_channel"]},
    }
    if events_url is not None:
        command["url"] = events_url
        settings["interactivity"]["request_url"] = events_url
        settings["event_subscriptions"]["request_url"] = events_url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": name,
            "description": (
                "Styr fasen Etablera förvaltning och styrgruppens beslut vid Milstolpe VII"
            ),
            "background_color": "#1f3a5f",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": [command],
        },
        "oauth_config": {"scopes": {"bot": bot_scopes()}},
        "settings": settings,
    }
