"""Shared fixtures: a database on each backend, the fake Slack, and the real bot serving HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.emulator import FakeSlack, Message, SlackRequester
from bot.wiring import Bot
from tests.databases import fresh_postgres_database

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test"


def outbox_key(message: Message) -> str:
    """The outbox key a message the bot posted carries in its metadata ("" if none)."""
    payload = (message.metadata or {}).get("event_payload") or {}
    return str(payload.get("key", ""))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.db'}"
        return
    with fresh_postgres_database() as url:
        yield url


@dataclass
class Workspace:
    """The people and channels of the fake workspace the end-to-end tests use."""

    fake: FakeSlack
    anna: str  # projektledare, Swedish
    erik: str  # owner, English
    sara: str  # owner, Swedish
    project_channel: str
    other_channel: str


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(token=BOT_TOKEN) as running:
        yield running
    assert running.errors == [], "the fake Slack raised while serving"


@pytest.fixture
def workspace(fake: FakeSlack) -> Workspace:
    state = fake.state
    anna = state.add_user("anna", real_name="Anna Andersson", locale="sv-SE")
    erik = state.add_user("erik", real_name="Erik Eriksson", locale="en-US")
    sara = state.add_user("sara", real_name="Sara Svensson", locale="sv-SE")
    members = (anna, erik, sara)
    return Workspace(
        fake=fake,
        anna=anna,
        erik=erik,
        sara=sara,
        project_channel=state.add_channel("kommunen-x", members=members),
        other_channel=state.add_channel("allmant", members=members),
    )


def bot_settings(fake: FakeSlack, database_url: str) -> Settings:
    return Settings(
        slack_bot_token=SecretStr(BOT_TOKEN),
        slack_signing_secret=SecretStr(SIGNING_SECRET),
        slack_api_url=fake.api_url,
        database_url=database_url,
        host="127.0.0.1",
        port=0,
        threads=4,
        tick_seconds=3600,  # tests tick by hand, at the times they choose
    )


@dataclass
class RunningBot:
    bot: Bot
    slack: SlackRequester


@pytest.fixture
def start_bot(workspace: Workspace, database_url: str) -> Iterator[Callable[[], RunningBot]]:
    """Start the real bot (as `serve` builds it) on a free loopback port; callable again to
    start a second one on the same database, e.g. after stopping the first."""
    running: list[Bot] = []

    def start() -> RunningBot:
        bot = Bot.build(bot_settings(workspace.fake, database_url))
        bot.server.start_in_background()
        bot.start_background_work()
        running.append(bot)
        return RunningBot(bot, SlackRequester(bot.server.url, SIGNING_SECRET, workspace.fake))

    yield start
    for bot in running:
        bot.stop()


@pytest.fixture
def slack(start_bot: Callable[[], RunningBot]) -> SlackRequester:
    return start_bot().slack
