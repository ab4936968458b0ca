"""Shared fixtures: a database on each backend, the fake Slack, and the real bot serving HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.domain.phase import Phase
from bot.emulator import FakeSlack, SlackRequester
from bot.phases import load_phase
from bot.wiring import Bot
from tests.support.bot import BOT_TOKEN, SIGNING_SECRET, RunningBot, Workspace, bot_settings
from tests.support.databases import fresh_postgres_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.db'}"
        return
    with fresh_postgres_database() as url:
        yield url


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


@pytest.fixture
def phase() -> Phase:
    """The template the bot runs: the shipped one, unless a test module overrides this."""
    return load_phase()


@pytest.fixture
def start_bot(
    workspace: Workspace, database_url: str, phase: Phase
) -> Iterator[Callable[[], RunningBot]]:
    """Start the real bot (as `serve` builds it) on a free loopback port; callable again to
    start a second one on the same database, e.g. after stopping the first."""
    running: list[Bot] = []

    def start() -> RunningBot:
        bot = Bot.build(bot_settings(workspace.fake, database_url), phase=phase)
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
