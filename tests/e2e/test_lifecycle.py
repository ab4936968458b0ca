"""A workspace lets the bot go: `app_uninstalled` and `tokens_revoked` over signed HTTP.

The event shapes are Slack's, as Bolt's own tests hold them (slackapi/bolt-python
tests/scenario_tests/test_events_shared_channels.py, `test_uninstallation_and_revokes`): an
`event_callback` whose event is `{"type": "app_uninstalled"}`, or `{"type": "tokens_revoked",
"tokens": {"oauth": [user ids], "bot": [user ids]}}`, with `team_id` and `authorizations` in the
envelope (https://docs.slack.dev/reference/events/app_uninstalled, …/tokens_revoked).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.emulator import SlackRequester
from bot.wiring import Bot
from storage.models import OutboxEvent
from tests.support.bot import SIGNING_SECRET, RunningBot, Workspace, run
from tests.support.oauth import install, serving_oauth_bot
from tests.support.waiting import eventually


@pytest.fixture
def oauth_bot(workspace: Workspace, database_url: str) -> Iterator[Bot]:
    with serving_oauth_bot(workspace, database_url) as bot:
        yield bot


def unsent(bot: Bot) -> list[tuple[str, str, str | None]]:
    """(kind, status, last error) of every event not sent."""
    with bot.db.session() as session:
        rows = session.execute(
            select(
                col(OutboxEvent.kind), col(OutboxEvent.status), col(OutboxEvent.last_error)
            ).where(col(OutboxEvent.status) != "sent")
        ).all()
    return [(kind, status, error) for kind, status, error in rows]


def failed_with(bot: Bot, reason: str) -> set[str]:
    """The kinds of the events not sent; each one failed with `reason`."""
    left = unsent(bot)
    assert {(status, error) for _, status, error in left} == {("failed", reason)}, left
    return {kind for kind, _, _ in left}


def waiting_dm(bot: Bot, w: Workspace, slack: SlackRequester, text: str) -> None:
    """`text` queues a DM that Slack keeps refusing with a 500: it waits in the outbox, and
    the rest (the Home tabs redrawn) has gone out."""
    w.fake.inject("chat.postMessage", status=500, times=10_000)
    response = slack.command(text, user_id=w.anna, channel_id=w.project_channel)
    assert response.status == 200, response.text
    assert eventually(lambda: any(c.faulted for c in w.fake.state.calls("chat.postMessage")))
    assert eventually(lambda: [kind for kind, _, _ in unsent(bot)] == ["owner_assigned"])


def test_an_uninstall_fails_what_was_waiting_and_a_new_install_resumes(
    oauth_bot: Bot, workspace: Workspace
) -> None:
    w, state = workspace, workspace.fake.state
    team = state.team.id
    install(oauth_bot.server.url, team)
    slack = SlackRequester(oauth_bot.server.url, SIGNING_SECRET, w.fake)
    slack.command("nytt Kommunen A", user_id=w.anna, channel_id=w.project_channel)
    waiting_dm(oauth_bot, w, slack, f"ansvarig 1.2 <@{w.erik}>")

    state.uninstall(team)
    assert slack.app_uninstalled().status == 200
    assert "owner_assigned" in failed_with(oauth_bot, "app uninstalled")
    # The installation is gone: a command is told to reinstall, as Bolt says it.
    gone = slack.command("status", user_id=w.anna, channel_id=w.project_channel)
    assert "Kommunen A" not in gone.text
    assert eventually(lambda: any("reinstall" in str(p.body) for p in state.response_posts()))

    w.fake.faults.clear()
    install(oauth_bot.server.url, team)
    # The project and its record stayed; what comes next is delivered.
    again = slack.command("status", user_id=w.anna, channel_id=w.project_channel)
    assert "Kommunen A" in again.text
    slack.command(f"ansvarig 2 <@{w.sara}>", user_id=w.anna, channel_id=w.project_channel)
    assert eventually(lambda: state.dms_to(w.sara))
    # The DM that failed with the uninstall was never sent after it.
    assert state.dms_to(w.erik) == []


def test_a_revoked_user_token_leaves_the_bot_working_and_a_revoked_bot_token_stops_it(
    oauth_bot: Bot, workspace: Workspace
) -> None:
    w, state = workspace, workspace.fake.state
    team = state.team.id
    install(oauth_bot.server.url, team)
    slack = SlackRequester(oauth_bot.server.url, SIGNING_SECRET, w.fake)
    slack.command("nytt Kommunen A", user_id=w.anna, channel_id=w.project_channel)

    # The installer's user token (the bot asks for none, but Slack may say so): the bot's stays.
    assert slack.tokens_revoked(oauth=["UINSTALLER"]).status == 200
    slack.command(f"ansvarig 2 <@{w.sara}>", user_id=w.anna, channel_id=w.project_channel)
    assert eventually(lambda: state.dms_to(w.sara))

    waiting_dm(oauth_bot, w, slack, f"ansvarig 1.2 <@{w.erik}>")
    state.uninstall(team)  # the bot token no longer opens the door
    assert slack.tokens_revoked(bot=[state.bot.user_id]).status == 200
    assert "owner_assigned" in failed_with(oauth_bot, "token revoked")

    w.fake.faults.clear()
    install(oauth_bot.server.url, team)
    slack.command(f"ansvarig 3 <@{w.erik}>", user_id=w.anna, channel_id=w.project_channel)
    assert eventually(lambda: state.dms_to(w.erik))
    assert len(state.dms_to(w.erik)) == 1


def test_with_one_bot_token_an_uninstall_stops_delivery_to_the_team_and_says_so(
    start_bot: Callable[[], RunningBot], workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    running, w, state = start_bot(), workspace, workspace.fake.state
    run(running, w, "nytt Kommunen X")
    waiting_dm(running.bot, w, running.slack, f"ansvarig 1.2 <@{w.erik}>")

    state.uninstall(state.team.id)
    with caplog.at_level(logging.ERROR, logger="bot.slack.lifecycle"):
        assert running.slack.app_uninstalled().status == 200
    assert "SLACK_BOT_TOKEN no longer works" in caplog.text
    assert "owner_assigned" in failed_with(running.bot, "app uninstalled")
    failed_before = len(unsent(running.bot))

    # What is queued later fails at once, without a call with the dead token.
    calls_before = len(state.calls())
    run(running, w, f"ansvarig 2 <@{w.sara}>")
    assert eventually(
        lambda: (
            len(left := unsent(running.bot)) > failed_before
            and all(status == "failed" for _, status, _ in left)
        )
    )
    failed_with(running.bot, "app uninstalled")
    assert not [c for c in state.calls()[calls_before:] if c.method == "chat.postMessage"]
