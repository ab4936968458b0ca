"""The command line as an operator meets it: manifest, serve without credentials, serve and stop."""

from __future__ import annotations

import json
import queue
import re
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import IO
from urllib.request import urlopen

import pytest

from bot.emulator import FakeSlack, SlackRequester
from bot.slack.manifest import SCOPES_BY_METHOD
from tests.cli.support import CLI, clean_env, run
from tests.support.bot import BOT_TOKEN, SIGNING_SECRET
from tests.support.processes import free_port, wait_healthy


@pytest.mark.parametrize("request_url", [None, "https://bot.kommun.se"])
def test_manifest_is_valid_json_with_the_command_and_scopes(request_url: str | None) -> None:
    args = ["manifest"] + (["--request-url", request_url] if request_url else [])
    result = run(args, clean_env())
    assert result.returncode == 0, result.stderr
    manifest = json.loads(result.stdout)
    command = manifest["features"]["slash_commands"][0]
    assert command["command"] == "/forvaltning"
    assert command["should_escape"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert "commands" in scopes
    assert {s for s in SCOPES_BY_METHOD.values() if s} <= scopes
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    if request_url:
        assert command["url"] == "https://bot.kommun.se/slack/events"
        assert manifest["settings"]["socket_mode_enabled"] is False
    else:
        assert manifest["settings"]["socket_mode_enabled"] is True


def test_manifest_refuses_a_request_url_that_is_not_https_with_exit_2() -> None:
    result = run(["manifest", "--request-url", "http://bot.kommun.se"], clean_env())
    assert result.returncode == 2
    assert "--request-url must be an https URL" in result.stderr
    assert result.stdout == ""


def test_serve_with_some_credentials_names_what_is_missing(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}", SLACK_BOT_TOKEN=BOT_TOKEN)
    result = run(["serve"], env)
    assert result.returncode == 2
    assert "SLACK_SIGNING_SECRET" in result.stderr
    assert "forvaltningsbot manifest" in result.stderr


def read_lines(stream: IO[str]) -> tuple[queue.Queue[str], threading.Thread]:
    """Lines of a child's output as they come, so the test can wait for one with a deadline."""
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    return lines, reader


def wait_for_url(lines: queue.Queue[str], seen: list[str], seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        seen.append(line)
        found = re.search(r"open (http://127\.0\.0\.1:[0-9]+/)", line)
        if found:
            return found.group(1)
    raise AssertionError("no playground URL on stderr:\n" + "".join(seen))


@pytest.mark.parametrize(
    "args", [["serve"], ["playground", "--demo", "--port", "0"]], ids=["serve", "playground"]
)
def test_without_credentials_the_playground_starts_answers_and_stops(
    tmp_path: Path, args: list[str]
) -> None:
    # A DATABASE_URL the playground must not touch: it keeps its own throwaway SQLite file.
    real_db = tmp_path / "real.db"
    env = clean_env(DATABASE_URL=f"sqlite:///{real_db}", PORT="0")
    process = subprocess.Popen(  # noqa: S603
        [*CLI, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    seen: list[str] = []
    assert process.stderr is not None and process.stdout is not None
    lines, reader = read_lines(process.stderr)
    try:
        url = wait_for_url(lines, seen)
        with urlopen(url, timeout=5) as reply:  # noqa: S310
            assert reply.status == 200
            assert "Förvaltningsbot" in reply.read().decode()
        with urlopen(url + "playground/state?user=&conversation=", timeout=5) as reply:  # noqa: S310
            state = json.loads(reply.read())
        assert state["me"]["name"] == "anna"
        demo_messages = "Kommunen X" in state["html"]
        assert demo_messages == (args[0] == "playground")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    reader.join(timeout=5)
    stdout = process.stdout.read()
    process.stdout.close()
    process.stderr.close()
    stderr = "".join(seen) + "".join(lines.get_nowait() for _ in range(lines.qsize()))
    assert process.returncode == 0, stderr
    assert "stopped" in stderr
    if args == ["serve"]:
        assert "No Slack credentials" in stderr and "SLACK_BOT_TOKEN" in stderr
    assert "xoxb-" not in stderr + stdout  # the session's token is never shown
    assert not real_db.exists()


def test_serve_runs_migrations_answers_and_stops_cleanly_on_sigterm(
    tmp_path: Path, fake: FakeSlack
) -> None:
    anna = fake.state.add_user("anna")
    channel = fake.state.add_channel("kommunen-x", members=[anna])
    port = free_port()
    env = clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.api_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
        HOST="127.0.0.1",
        PORT=str(port),
    )
    url = f"http://127.0.0.1:{port}"
    for name in ("first", "second"):
        process = subprocess.Popen(  # noqa: S603
            [*CLI, "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            wait_healthy(url, process)
            slack = SlackRequester(url, SIGNING_SECRET, fake)
            if name == "first":
                assert (
                    slack.command("nytt Kommunen X", user_id=anna, channel_id=channel).status == 200
                )
            else:
                body = slack.command("status", user_id=anna, channel_id=channel).json
                assert body["blocks"][0]["text"]["text"] == "Projekt: Kommunen X"
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=20)
        assert process.returncode == 0, stderr
        assert "stopped" in stderr
        assert BOT_TOKEN not in stderr and SIGNING_SECRET not in stderr


@pytest.mark.parametrize("sender", ["process", "external"])
def test_a_sender_apart_on_sqlite_is_refused_with_the_reason(tmp_path: Path, sender: str) -> None:
    env = clean_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SENDER=sender,
    )
    for command in ("serve", "send"):
        result = run([command], env)
        assert result.returncode == 2, result.stderr
        assert "needs PostgreSQL" in result.stderr and "SENDER=inline" in result.stderr
    assert not (tmp_path / "x.db").exists()  # refused before anything was opened
