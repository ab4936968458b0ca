"""SENDER=process end to end: `forvaltningsbot serve` on PostgreSQL with its sender and tick in
a child process, woken by NOTIFY, and the child's life bound to the parent's.

The sender's poll is ten minutes here, so a DM that arrives within seconds of its command can
only have been sent because the web process's NOTIFY woke the sender's process.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.request import urlopen

import pytest
from sqlalchemy import create_engine, text

from bot.emulator import SlackRequester
from tests.support.bot import BOT_TOKEN, SIGNING_SECRET, Workspace
from tests.support.databases import fresh_postgres_database
from tests.support.processes import free_port, wait_healthy
from tests.support.waiting import eventually

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]
POLL_SECONDS = 600  # the fallback nobody waits for here
PROMPT = 15.0  # a NOTIFY's wake-up, with room for a slow shared machine; far below the poll
STARTED = re.compile(r"sender process started \(pid ([0-9]+)\)")


@dataclass
class Serving:
    process: subprocess.Popen[bytes]
    url: str
    sender_url: str
    log: Path
    slack: SlackRequester

    def sender_pids(self) -> list[int]:
        """Every sender process serve has started, in order (from its log)."""
        return [int(pid) for pid in STARTED.findall(self.log.read_text(errors="replace"))]

    def command(self, w: Workspace, words: str) -> None:
        response = self.slack.command(words, user_id=w.anna, channel_id=w.project_channel)
        assert response.status == 200, response.text


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie, exited and not yet reaped, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def listening(url: str) -> bool:
    """Whether a sender's process holds LISTEN on the database (its last statement)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND query = 'LISTEN forvaltningsbot_outbox'"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    return bool(found)


def scrape(url: str) -> str:
    with urlopen(f"{url}/metrics", timeout=5) as reply:  # noqa: S310  (loopback)
        return str(reply.read().decode())


def woken_promptly(serving: Serving, w: Workspace, database: str) -> None:
    """Two DMs from two commands, each within seconds although the sender's poll is ten
    minutes: the second one's command came while the sender waited with nothing to do."""
    state = w.fake.state
    assert eventually(lambda: listening(database), seconds=30), "no sender listened"
    serving.command(w, "nytt Kommunen X")
    serving.command(w, f"ansvarig 2 <@{w.sara}>")
    assert eventually(lambda: state.dms_to(w.sara), seconds=PROMPT), "no DM to Sara"
    asked = time.monotonic()
    serving.command(w, f"ansvarig 3 <@{w.erik}>")
    assert eventually(lambda: state.dms_to(w.erik), seconds=PROMPT), "no DM to Erik"
    assert time.monotonic() - asked < PROMPT


@pytest.fixture
def database() -> Iterator[str]:
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def serve(database: str, workspace: Workspace, tmp_path: Path) -> Iterator[Callable[..., Serving]]:
    """`serve` with SENDER=process, or with SENDER=external beside a `send` of its own."""
    started: list[Serving] = []
    others: list[subprocess.Popen[bytes]] = []

    def start(sender: str = "process") -> Serving:
        port, sender_port = free_port(), free_port()
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(ROOT),
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": workspace.fake.api_url,
            "DATABASE_URL": database,
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "SENDER": sender,
            "SENDER_PORT": str(sender_port),
            "OUTBOX_POLL_SECONDS": str(POLL_SECONDS),
            "TICK_SECONDS": "3600",
        }
        log = tmp_path / f"serve-{port}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", "serve"], env=env, stdout=out, stderr=out, cwd=ROOT
            )
        url = f"http://127.0.0.1:{port}"
        serving = Serving(
            process,
            url,
            f"http://127.0.0.1:{sender_port}",
            log,
            SlackRequester(url, SIGNING_SECRET, workspace.fake),
        )
        started.append(serving)
        wait_healthy(url, process)
        if sender == "external":  # the operator's own `send`, once serve has migrated
            with (tmp_path / f"send-{sender_port}.log").open("wb") as out:
                alone = subprocess.Popen(
                    [sys.executable, "-m", "bot", "send"], env=env, stdout=out, stderr=out, cwd=ROOT
                )
            others.append(alone)
            wait_healthy(serving.sender_url, alone)
        else:
            wait_healthy(serving.sender_url, process)  # the child answers on its own port
        return serving

    yield start
    for process in [*(s.process for s in started), *others]:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    for serving in started:
        for pid in serving.sender_pids():  # none should be left; none may outlive the test
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_command_is_delivered_by_the_sender_process_woken_by_notify(
    serve: Callable[..., Serving], workspace: Workspace, database: str
) -> None:
    serving = serve()
    woken_promptly(serving, workspace, database)
    # The sender's counters live in its process: its /metrics has them, serve's does not.
    sent = 'forvaltningsbot_outbox_deliveries_total{kind="owner_assigned",outcome="sent"}'
    assert sent in scrape(serving.sender_url)
    assert sent not in scrape(serving.url)
    assert len(serving.sender_pids()) == 1


def test_stopping_serve_stops_its_sender_process(serve: Callable[..., Serving]) -> None:
    serving = serve()
    (pid,) = serving.sender_pids()
    assert alive(pid)
    serving.process.send_signal(signal.SIGTERM)
    assert serving.process.wait(timeout=30) == 0, serving.log.read_text()
    # serve stops its child before it exits itself.
    assert not alive(pid)
    assert "sender stopped" in serving.log.read_text()


def test_a_killed_serve_leaves_no_sender_process_behind(serve: Callable[..., Serving]) -> None:
    serving = serve()
    (pid,) = serving.sender_pids()
    serving.process.kill()  # SIGKILL: serve says no goodbye; the child sees its pipe close
    serving.process.wait(timeout=10)
    assert eventually(lambda: not alive(pid), seconds=30), "the sender outlived serve"
    assert "is gone: stopping" in serving.log.read_text()


def test_a_sender_process_that_dies_is_started_again_and_delivers(
    serve: Callable[..., Serving], workspace: Workspace, database: str
) -> None:
    w, state = workspace, workspace.fake.state
    serving = serve()
    (first,) = serving.sender_pids()
    os.kill(first, signal.SIGKILL)
    assert eventually(lambda: len(serving.sender_pids()) == 2, seconds=30), "not restarted"
    assert "exited with signal SIGKILL" in serving.log.read_text()
    assert eventually(lambda: not alive(first))
    assert eventually(lambda: listening(database), seconds=30)
    serving.command(w, "nytt Kommunen X")
    serving.command(w, f"ansvarig 2 <@{w.sara}>")
    assert eventually(lambda: state.dms_to(w.sara), seconds=PROMPT), "no DM after the restart"


def test_serve_with_an_external_sender_wakes_a_send_run_apart(
    serve: Callable[..., Serving], workspace: Workspace, database: str
) -> None:
    serving = serve("external")
    assert serving.sender_pids() == []  # serve started none of its own
    woken_promptly(serving, workspace, database)
    assert "SENDER=external" in serving.log.read_text()
