"""The Slack app manifest: creates the app with exactly what the code uses, in one step."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

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
    # The justerat record as a PDF in the project's channel (Slack's external upload).
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
}
COMMAND_SCOPE = "commands"


# History of private channels and DMs (the duplicate check before a doubtful post), and the
# join event for private channels.
EXTRA_SCOPES = ("groups:history", "im:history", "channels:read", "groups:read")


def bot_scopes() -> list[str]:
    return sorted({COMMAND_SCOPE, *EXTRA_SCOPES, *(s for s in SCOPES_BY_METHOD.values() if s)})


# The app's name is shown as it is written (at most 35 characters). The bot user's display
# name follows Slack's username rules: lowercase letters, digits, `.`, `_` and `-`, under 21
# characters (https://api.slack.com/best-practices/the-small-stuff#bot-names), so no "ö".
APP_NAME = "Förvaltningsbot"
BOT_DISPLAY_NAME = "forvaltningsbot"
_DISPLAY_NAME = re.compile(r"[a-z0-9._-]{1,20}")

# The events the bot acts on (each a listener in bot/slack/listeners/events.py):
# member_joined_channel: when someone invites the bot to a private stakeholder channel, the
# announcement that could not reach it is sent; message.im: a message in the bot's Messages
# tab is answered with the help; app_uninstalled and tokens_revoked: the installation goes
# and what was waiting for that workspace fails.
BOT_EVENTS = (
    "app_home_opened",
    "member_joined_channel",
    "message.im",
    "app_uninstalled",
    "tokens_revoked",
)


class ManifestError(ValueError):
    """An argument Slack would refuse in the manifest; the message says what to give."""


def events_url(request_url: str) -> str:
    """Slack calls only https Request URLs, with a host; `…/slack/events` on `request_url`."""
    parts = urlsplit(request_url)
    if parts.scheme != "https" or not parts.hostname:
        raise ManifestError(
            f"--request-url must be an https URL Slack can reach (https://bot.kommun.se), "
            f"not {request_url!r}"
        )
    if parts.query or parts.fragment:
        raise ManifestError("--request-url takes a base URL, without ?query or #fragment")
    return request_url.rstrip("/") + EVENTS_PATH


def manifest(
    *,
    request_url: str | None = None,
    name: str = APP_NAME,
    display_name: str = BOT_DISPLAY_NAME,
) -> dict[str, Any]:
    """Socket Mode when `request_url` is None; else HTTP with Slack calling `request_url`.

    Raises ManifestError for a `request_url` that is not https or a display name Slack refuses.
    """
    if not _DISPLAY_NAME.fullmatch(display_name):
        raise ManifestError(
            f"the bot's display name must be 1-20 of a-z 0-9 . _ -, not {display_name!r}"
        )
    url = None if request_url is None else events_url(request_url)
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
        "socket_mode_enabled": url is None,
        "token_rotation_enabled": False,
        "event_subscriptions": {"bot_events": list(BOT_EVENTS)},
    }
    if url is not None:
        command["url"] = url
        settings["interactivity"]["request_url"] = url
        settings["event_subscriptions"]["request_url"] = url
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
                # Reminders and votes arrive as DMs, shown in the Messages tab; someone who
                # writes there is answered with the help (the message.im listener).
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": display_name, "always_online": True},
            "slash_commands": [command],
        },
        "oauth_config": {"scopes": {"bot": bot_scopes()}},
        "settings": settings,
    }
