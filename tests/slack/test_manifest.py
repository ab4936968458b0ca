"""The app manifest as Slack checks it: a display name it accepts, https only, the events the
listeners handle, and a Messages tab that answers."""

from __future__ import annotations

import re

import pytest

from bot.slack.listeners.events import EVENTS
from bot.slack.manifest import ManifestError, manifest


def test_the_bot_user_has_a_display_name_slack_accepts_and_the_app_its_pretty_name() -> None:
    built = manifest(request_url="https://bot.kommun.se")
    # Slack's username rules: lowercase letters, digits, . _ -, under 21 characters.
    assert re.fullmatch(r"[a-z0-9._-]{1,20}", built["features"]["bot_user"]["display_name"])
    assert built["display_information"]["name"] == "Förvaltningsbot"
    assert len(built["display_information"]["name"]) <= 35
    with pytest.raises(ManifestError):
        manifest(display_name="Förvaltningsbot")


@pytest.mark.parametrize(
    "url", ["http://bot.kommun.se", "bot.kommun.se", "https://", "ftp://bot.kommun.se"]
)
def test_a_request_url_that_is_not_https_is_refused(url: str) -> None:
    with pytest.raises(ManifestError, match="https"):
        manifest(request_url=url)


def test_every_subscribed_event_has_a_listener_and_the_messages_tab_is_answered() -> None:
    built = manifest(request_url="https://bot.kommun.se")
    events = built["settings"]["event_subscriptions"]["bot_events"]
    assert {"app_uninstalled", "tokens_revoked", "message.im"} <= set(events)
    # message.im arrives as a `message` event; the rest by their own names.
    assert {e.split(".")[0] for e in events} <= set(EVENTS)
    assert built["features"]["app_home"]["messages_tab_enabled"] is True
    assert built["features"]["app_home"]["messages_tab_read_only_enabled"] is False
    assert "im:history" in built["oauth_config"]["scopes"]["bot"]
