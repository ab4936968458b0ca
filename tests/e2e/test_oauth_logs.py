"""Issue 14 "Logs": the OAuth `code` (and `state`) never reach a log line, at any level.

Bolt logs the callback's query at DEBUG and a failed exchange, code included, at WARNING;
slack_sdk logs the exchange's body at DEBUG. Every logger is at DEBUG here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.wiring import Bot
from tests.conftest import Workspace
from tests.e2e.test_oauth import CLIENT_SECRET, _get, oauth_bot
from tests.e2e.wire import Records, capture_everything

__all__ = ["oauth_bot"]


@pytest.fixture
def records() -> Iterator[Records]:
    yield from capture_everything(CLIENT_SECRET)


def the_way_back(bot: Bot, team_id: str) -> tuple[str, str]:
    """The admin allowed: the redirect URL Slack sends them back with, and our cookie."""
    status, headers, page = _get(f"{bot.server.url}/slack/install?team={team_id}")
    assert status == 200, page
    found = re.search(r'<a href="([^"]+)"', page)
    assert found is not None, page
    status, back, _ = _get(html.unescape(found.group(1)))
    assert status == 302
    return back["Location"], headers["Set-Cookie"].split(";", 1)[0]


def secrets_of(url: str) -> tuple[str, str]:
    query = parse_qs(urlsplit(url).query)
    return query["code"][0], query["state"][0]


def test_a_successful_install_logs_neither_code_nor_state(
    oauth_bot: Bot,
    workspace: Workspace,
    records: Records,
) -> None:
    url, cookie = the_way_back(oauth_bot, workspace.fake.state.team.id)
    code, state = secrets_of(url)
    status, _, page = _get(url, {"Cookie": cookie})
    assert status == 200, page
    out = records.text
    assert "Handling an OAuth callback success" in out  # Bolt's DEBUG line was written
    assert code not in out and state not in out and CLIENT_SECRET not in out


def test_a_failed_exchange_logs_neither_code_nor_state(
    oauth_bot: Bot,
    workspace: Workspace,
    records: Records,
) -> None:
    url, cookie = the_way_back(oauth_bot, workspace.fake.state.team.id)
    _, state = secrets_of(url)
    forged = "code-" + "f" * 16  # a code Slack never issued: the exchange fails
    status, _, _ = _get(url.replace(secrets_of(url)[0], forged), {"Cookie": cookie})
    assert status != 200
    out = records.text
    assert "Failed to fetch oauth.v2.access result" in out  # Bolt's WARNING was written
    assert forged not in out and state not in out
