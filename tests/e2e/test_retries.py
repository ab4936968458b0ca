"""Slack's retries: a redelivered event is processed once; signed requests only."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from storage.models import SlackEvent
from tests.support.bot import RunningBot, Workspace
from tests.support.waiting import eventually


def test_a_redelivered_event_is_processed_once(
    slack_bot: RunningBot, workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    w = workspace
    first = slack_bot.slack.app_home_opened(w.erik)
    assert first.status == 200
    eventually(lambda: w.fake.state.calls("views.publish"))
    with caplog.at_level(logging.INFO, logger="bot.slack.listeners.events"):
        for retry in (1, 2):
            again = slack_bot.slack.redeliver(first, retry_num=retry)
            assert again.status == 200
    assert caplog.text.count("was processed before") == 2
    with slack_bot.bot.db.session() as session:
        assert session.execute(select(func.count()).select_from(SlackEvent)).scalar_one() == 1
    assert len(w.fake.state.calls("views.publish")) == 1


@pytest.fixture
def slack_bot(start_bot: object) -> RunningBot:
    return start_bot()  # type: ignore[operator, no-any-return]
