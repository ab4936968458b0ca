"""Two real bot processes on one PostgreSQL: requests spread over both, both ticking.

Nothing may be sent twice or lost: every owner gets one reminder per occurrence, the vote has
one message and a tally that matches the ballots, every channel one announcement; and when one
process is killed (SIGKILL, no goodbye) the other finishes its work, still without duplicates.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from bot.emulator import FakeSlack, SlackRequester
from bot.phases import load_phase
from bot.services import activities, projects
from bot.services.context import Actor, Services
from storage.db import Database, upgrade
from storage.models import Ballot, ReminderSchedule, Vote
from tests.support.bot import BOT_TOKEN, SIGNING_SECRET
from tests.support.databases import fresh_postgres_database
from tests.support.outbox import outbox_key, undelivered
from tests.support.processes import free_port
from tests.support.waiting import eventually

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Replica:
    process: subprocess.Popen[bytes]
    port: int
    slack: SlackRequester

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310  (loopback)
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture
def database() -> Iterator[str]:
    with fresh_postgres_database() as url:
        db = Database.from_url(url)
        upgrade(db.engine)  # once, before two processes race to migrate
        db.dispose()
        yield url


@pytest.fixture
def replicas(database: str, fake: FakeSlack, tmp_path: Path) -> Iterator[Callable[[], Replica]]:
    started: list[Replica] = []

    def start() -> Replica:
        port = free_port()
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(ROOT),
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": database,
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "TICK_SECONDS": "0.5",
            "OUTBOX_LEASE_SECONDS": "2",
            "LOG_LEVEL": "WARNING",
        }
        log = (tmp_path / f"replica-{port}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"], env=env, stdout=log, stderr=log, cwd=ROOT
        )
        replica = Replica(
            process, port, SlackRequester(f"http://127.0.0.1:{port}", SIGNING_SECRET, fake)
        )
        started.append(replica)
        assert eventually(lambda: healthy(replica.url), seconds=30), "replica did not start"
        return replica

    yield start
    for replica in started:
        if replica.process.poll() is None:
            replica.process.send_signal(signal.SIGTERM)
            try:
                replica.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                replica.process.kill()


def services_on(url: str) -> Services:
    phase = load_phase()
    return Services(db=Database.from_url(url), phases={phase.key: phase}, default_phase=phase.key)


LEAD = "U0LEAD"


def seed_due_projects(url: str, owners: list[str]) -> None:
    """One project per pair of owners, all with a reminder due now."""
    services = services_on(url)
    lead = Actor("T0001", LEAD)
    for n in range(len(owners) // 2):
        channel = f"CR{n:04d}"
        projects.create_project(services, lead, channel, f"Projekt {n}")
        activities.set_owner(services, lead, channel, "1.1", owners[2 * n])
        activities.set_owner(services, lead, channel, "2", owners[2 * n + 1])
    with services.db.session() as session:
        session.execute(
            update(ReminderSchedule).values(next_run_at=datetime(2026, 1, 1, tzinfo=UTC))
        )
    services.db.dispose()


def settle(url: str) -> None:
    """Wait until no outbox event is pending, taken or in doubt.

    Only a pending event can still be sent, and a replica settles one only after Slack has
    answered: with none left, everything either replica will ever post has arrived.
    """
    db = Database.from_url(url)
    try:
        assert eventually(lambda: undelivered(db) == 0, seconds=60), "the outbox did not settle"
    finally:
        db.dispose()


def reminders_to(fake: FakeSlack, user: str) -> int:
    return sum(
        1
        for m in fake.state.dms_to(user)
        if str(((m.metadata or {}).get("event_payload") or {}).get("key", "")).startswith(
            "reminder:"
        )
    )


def test_two_replicas_share_requests_and_ticks_without_duplicates(
    replicas: Callable[[], Replica], database: str, fake: FakeSlack
) -> None:
    state = fake.state
    a, b = replicas(), replicas()
    owners = [state.add_user(f"agare{n}") for n in range(60)]
    seed_due_projects(database, owners)
    # Both tickers race for the 30 due schedules: each owner gets exactly one reminder.
    assert eventually(lambda: all(reminders_to(fake, o) >= 1 for o in owners), seconds=60)

    lead = state.add_user("anna")
    members = [state.add_user(f"ledamot{n}") for n in range(8)]
    project = state.add_channel("kommunen", members=(lead, *members))
    board = state.add_channel("styrgrupp", members=(lead, *members))
    stakeholders = [state.add_channel(f"intressent{n}", members=(lead,)) for n in range(3)]
    spread = [a, b]

    def run(text: str, user: str = lead, channel: str = project) -> dict[str, Any]:
        response = random.choice(spread).slack.command(text, user_id=user, channel_id=channel)
        assert response.status == 200, response.text
        return response.json  # type: ignore[no-any-return]

    run("nytt Kommunen Y")
    for ref in ("1.1", "1.2", "1.3", "1", "2", "3", "4"):
        run(f"klar {ref}")
    for key in (
        "forvaltningsplan",
        "samverkansavtal",
        "driftplan",
        "effekthemtagningsplan",
        "slutrapport",
    ):
        run(f"underlag {key} <https://x.se/{key}>")
    run("styrgrupp " + " ".join(f"<@{m}>" for m in members))
    run(f"ordförande <@{members[0]}>")
    run(f"justerare <@{members[1]}>")
    run(f"styrgruppskanal <#{board}>")
    run("kanaler " + " ".join(f"<#{c}>" for c in stakeholders))
    assert "2030-01-15 17:00" in run("milstolpe 2030-01-15 17:00")["text"]
    message = eventually(lambda: state.messages(board), seconds=30)[0]
    with Database.from_url(database).session() as session:
        vote_id = str(session.execute(select(col(Vote.id))).scalar_one())

    choices = ("vote_yes", "vote_no", "vote_abstain")
    clicks = [(m, random.choice(choices)) for m in members[:7] for _ in range(5)]

    def press(item: tuple[str, str]) -> int:
        user, action = item
        response = random.choice(spread).slack.click(
            action, user_id=user, channel_id=board, message_ts=message.ts, value=vote_id
        )
        return response.status

    with ThreadPoolExecutor(max_workers=12) as pool:
        assert set(pool.map(press, clicks)) == {200}
    closed = run("stäng", user=members[0], channel=board)
    assert "Beslut" in closed["text"]

    db = Database.from_url(database)
    with db.session() as session:
        ballots = dict(session.execute(select(col(Ballot.user_id), col(Ballot.choice))).all())
    db.dispose()
    assert len(ballots) == 7
    yes = sum(1 for c in ballots.values() if c == "yes")

    def final() -> bool:
        text = state.messages(board)[0].text
        return "*Beslut:" in text and f"*Godkänn* ({yes})" in text

    assert eventually(final, seconds=30)
    assert len(state.messages(board)) == 1  # one vote message, edited in place

    def announced(channel: str) -> int:
        return sum(1 for m in state.messages(channel) if outbox_key(m).startswith("announcement:"))

    channels = [*stakeholders, project]
    assert eventually(lambda: all(announced(c) for c in channels), seconds=30)
    settle(database)  # a duplicate, if there were one, has been sent by now
    assert [announced(c) for c in channels] == [1] * len(channels)
    assert [reminders_to(fake, o) for o in owners] == [1] * len(owners)


def test_a_killed_replica_leaves_its_work_to_the_other_without_duplicates(
    replicas: Callable[[], Replica], database: str, fake: FakeSlack
) -> None:
    state = fake.state
    owners = [state.add_user(f"agare{n}") for n in range(100)]
    seed_due_projects(database, owners)
    # Slack turns some posts away for a second, so the first replica is still delivering
    # (with events it has taken and not settled) when it dies. Each 429 closes the whole
    # workspace's posts for its Retry-After, so a sixth is as slow as a third was when only
    # the refused post waited.
    fake.fault_rate("chat.postMessage", 0.15, statuses=(429,), retry_after=1, seed=3)
    a = replicas()
    assert eventually(lambda: any(reminders_to(fake, o) for o in owners), seconds=30)
    a.process.kill()  # SIGKILL: no draining, leases left behind
    a.process.wait(timeout=10)
    sent_by_a = sum(reminders_to(fake, o) for o in owners)
    replicas()
    assert eventually(lambda: all(reminders_to(fake, o) >= 1 for o in owners), seconds=90)
    settle(database)
    assert [reminders_to(fake, o) for o in owners] == [1] * len(owners)
    assert sent_by_a < len(owners)  # it really died with work left
