"""The real bot against the fake Slack, as the end-to-end tests start and drive it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from bot.config import Settings
from bot.emulator import FakeSlack, SlackRequester
from bot.wiring import Bot

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test"


@dataclass
class Workspace:
    """The people and channels of the fake workspace the end-to-end tests use."""

    fake: FakeSlack
    anna: str  # projektledare, Swedish
    erik: str  # owner, English
    sara: str  # owner, Swedish
    project_channel: str
    other_channel: str


@dataclass
class RunningBot:
    bot: Bot
    slack: SlackRequester


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


def run(running: RunningBot, w: Workspace, text: str, user: str | None = None) -> dict[str, Any]:
    """`/forvaltning text` typed in the project channel (by Anna unless `user`); its answer."""
    response = running.slack.command(text, user_id=user or w.anna, channel_id=w.project_channel)
    assert response.status == 200, response.text
    body: dict[str, Any] = response.json
    return body
