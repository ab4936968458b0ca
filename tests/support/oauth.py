"""Several workspaces (OAuth): the bot in that mode, and installing it as an admin does."""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import SecretStr

from bot.config import Settings
from bot.wiring import Bot
from tests.support.bot import SIGNING_SECRET, Workspace

CLIENT_ID = "111.222"
CLIENT_SECRET = "test-client-secret"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310  (loopback)
    try:
        with opener.open(request, timeout=5) as reply:
            return reply.status, dict(reply.headers.items()), reply.read().decode()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, dict(err.headers.items()), err.read().decode(errors="replace")


def install(bot_url: str, team_id: str) -> str:
    """An admin of `team_id` opens our install page, allows, and comes back; the reply page."""
    status, done = come_back(*the_way_back(bot_url, team_id))
    assert status == 200, done
    return done


def the_way_back(bot_url: str, team_id: str) -> tuple[str, str]:
    """The admin opened our install page and allowed: the URL Slack sends them back to (with
    its code and state) and our cookie."""
    status, headers, page = _get(f"{bot_url}/slack/install?team={team_id}")
    assert status == 200, page
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    found = re.search(r'<a href="([^"]+)"', page)
    assert found is not None, page
    authorize = html.unescape(found.group(1))
    status, back, _ = _get(authorize)
    assert status == 302
    return back["Location"], cookie


def come_back(url: str, cookie: str) -> tuple[int, str]:
    """The admin's browser at our redirect URL: the status and the page."""
    status, _, page = _get(url, {"Cookie": cookie})
    return status, page


def oauth_bot_settings(workspace: Workspace, database_url: str) -> Settings:
    settings = Settings(
        slack_client_id=CLIENT_ID,
        slack_client_secret=SecretStr(CLIENT_SECRET),
        slack_signing_secret=SecretStr(SIGNING_SECRET),
        slack_api_url=workspace.fake.api_url,
        database_url=database_url,
        host="127.0.0.1",
        port=0,
        threads=4,
        tick_seconds=3600,
    )
    assert settings.oauth_mode and settings.missing_credentials() == []
    return settings


@contextmanager
def serving_oauth_bot(workspace: Workspace, database_url: str) -> Iterator[Bot]:
    """The bot in OAuth mode, serving, with the fake's authorize page sending admins back."""
    bot = Bot.build(oauth_bot_settings(workspace, database_url))
    bot.server.start_in_background()
    bot.start_background_work()
    workspace.fake.state.redirect_uri = f"{bot.server.url}/slack/oauth_redirect"
    try:
        yield bot
    finally:
        bot.stop()
