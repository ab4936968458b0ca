"""Issue 1/8 end to end: signed HTTP requests in, replies and fake-Slack state out."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.request import urlopen

from sqlalchemy import func, select

from bot.emulator import SlackRequester
from storage.models import Activity, AuditEntry, Project
from tests.support.bot import RunningBot, Workspace


def reply_text(response: Any) -> str:
    body = response.json
    assert body is not None, f"no JSON reply: {response.status} {response.text!r}"
    return str(body["text"])


def counts(running: RunningBot) -> tuple[int, int, int]:
    with running.bot.db.session() as session:
        return tuple(
            session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (Project, Activity, AuditEntry)
        )


def test_new_creates_project_with_all_activities_and_status_lists_them(
    start_bot: Callable[[], RunningBot], workspace: Workspace
) -> None:
    running = start_bot()
    slack = running.slack

    created = slack.command(
        "nytt Kommunen X", user_id=workspace.anna, channel_id=workspace.project_channel
    )

    assert created.status == 200
    body = created.json
    assert body["response_type"] == "in_channel"
    assert "Kommunen X" in body["text"] and "7 aktiviteter" in body["text"]
    assert counts(running) == (1, 7, 1)

    status = slack.command("status", user_id=workspace.anna, channel_id=workspace.project_channel)
    body = status.json
    assert body["response_type"] == "ephemeral"
    assert body["blocks"][0]["text"]["text"] == "Projekt: Kommunen X"
    shown = "\n".join(b["text"]["text"] for b in body["blocks"] if b["type"] == "section")
    for number in ("*1*", "*1.1*", "*1.2*", "*1.3*", "*2*", "*3*", "*4*"):
        assert number in shown
    assert "Säkerställ förvaltning och driftavtal" in shown
    assert "Ej påbörjad" in shown
    assert "Ingen styrgrupp" in shown and "Samverkansavtal: inte länkad" in shown
    assert "0 av 6 klara" in body["text"]


def test_second_new_in_same_channel_is_refused_and_changes_nothing(
    start_bot: Callable[[], RunningBot], workspace: Workspace
) -> None:
    running = start_bot()
    running.slack.command(
        "nytt Kommunen X", user_id=workspace.anna, channel_id=workspace.project_channel
    )
    before = counts(running)

    again = running.slack.command(
        "new Another", user_id=workspace.erik, channel_id=workspace.project_channel
    )

    body = again.json
    assert body["response_type"] == "ephemeral"
    assert "already has a project" in body["text"] and "Kommunen X" in body["text"]
    assert counts(running) == before


def test_english_locale_gets_english_and_locale_is_looked_up_once(
    start_bot: Callable[[], RunningBot], workspace: Workspace
) -> None:
    slack = start_bot().slack
    first = slack.command("help", user_id=workspace.erik, channel_id=workspace.other_channel)
    second = slack.command("status", user_id=workspace.erik, channel_id=workspace.other_channel)

    assert "keeps track of the phase" in reply_text(first)
    assert "There is no project in this channel yet" in reply_text(second)
    assert "/forvaltning new &lt;name&gt;" in reply_text(second)
    lookups = [
        c
        for c in workspace.fake.state.calls("users.info")
        if c.params.get("user") == workspace.erik
    ]
    assert len(lookups) == 1


def test_status_without_project_says_how_to_create_one(
    slack: SlackRequester, workspace: Workspace
) -> None:
    text = reply_text(
        slack.command("status", user_id=workspace.anna, channel_id=workspace.other_channel)
    )
    assert "Kanalen har inget projekt ännu" in text
    assert "/forvaltning nytt &lt;namn&gt;" in text


def test_unknown_subcommand_gets_a_hint_and_the_help(
    slack: SlackRequester, workspace: Workspace
) -> None:
    body = slack.command(
        "statsu", user_id=workspace.anna, channel_id=workspace.project_channel
    ).json
    assert body["response_type"] == "ephemeral"
    assert body["text"].startswith(
        "Jag känner inte till underkommandot `statsu`. Menade du: status?"
    )
    assert "Kom igång" in body["text"]


def test_new_without_name_is_refused_with_usage(
    start_bot: Callable[[], RunningBot], workspace: Workspace
) -> None:
    running = start_bot()
    body = running.slack.command(
        "nytt   ", user_id=workspace.anna, channel_id=workspace.project_channel
    ).json
    assert "Projektet behöver ett namn" in body["text"]
    assert "`/forvaltning nytt &lt;namn&gt;`" in body["text"]
    assert counts(running) == (0, 0, 0)


def test_hostile_project_name_is_escaped(slack: SlackRequester, workspace: Workspace) -> None:
    body = slack.command(
        "nytt <!channel> & *Kommun* <@U999>",
        user_id=workspace.anna,
        channel_id=workspace.project_channel,
    ).json
    assert "<!channel>" not in body["text"] and "&lt;!channel&gt;" in body["text"]
    assert "&amp;" in body["text"]


def test_restart_keeps_the_project(
    start_bot: Callable[[], RunningBot], workspace: Workspace
) -> None:
    first = start_bot()
    first.slack.command(
        "nytt Kommunen X", user_id=workspace.anna, channel_id=workspace.project_channel
    )
    first.bot.stop()

    second = start_bot()
    body = second.slack.command(
        "status", user_id=workspace.anna, channel_id=workspace.project_channel
    ).json
    assert body["blocks"][0]["text"]["text"] == "Projekt: Kommunen X"


def test_bad_signature_and_stale_timestamp_get_401_and_change_nothing(
    start_bot: Callable[[], RunningBot], workspace: Workspace
) -> None:
    running = start_bot()
    slack = running.slack

    forged = slack.command(
        "nytt Forged",
        user_id=workspace.anna,
        channel_id=workspace.project_channel,
        signature="v0=" + "0" * 64,
    )
    stale = slack.command(
        "nytt Stale",
        user_id=workspace.anna,
        channel_id=workspace.project_channel,
        timestamp=int(time.time()) - 6 * 60,
    )

    assert forged.status == 401
    assert stale.status == 401
    assert counts(running) == (0, 0, 0)


def test_health_check_answers(start_bot: Callable[[], RunningBot]) -> None:
    running = start_bot()
    with urlopen(running.bot.server.url + "/healthz", timeout=5) as reply:  # noqa: S310
        assert reply.status == 200
        assert reply.read() == b"ok\n"


def test_every_web_api_method_the_bot_called_is_in_the_manifest(
    start_bot: Callable[[], RunningBot], workspace: Workspace
) -> None:
    from bot.slack.manifest import SCOPES_BY_METHOD, manifest

    running = start_bot()
    running.slack.command(
        "nytt Kommunen X", user_id=workspace.anna, channel_id=workspace.project_channel
    )
    running.slack.command("status", user_id=workspace.erik, channel_id=workspace.project_channel)
    called = {c.method for c in workspace.fake.state.calls()}
    assert called <= set(SCOPES_BY_METHOD), called - set(SCOPES_BY_METHOD)
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    assert {SCOPES_BY_METHOD[m] for m in called} - {None} <= scopes
    json.dumps(manifest())
