"""The rig of figures 6 and 7: the sender and the Slack deliveries as `serve` runs them (the
worker pool, the budgets), over a fresh database, against several fake workspaces with their
own tokens, and the fake Slack made as hard as Slack once the setup is done.

At Slack's limits every Web API call takes 100 ms; each workspace takes 8 posts a second and
answers 429 with a Retry-After beyond that (and to every post inside that window); one message
a second per channel.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk import WebClient

from benchmarks.figure import Options
from benchmarks.harness import database
from bot.emulator import FakeSlack
from bot.emulator.calls import ApiCall
from bot.emulator.limits import calls_inside_retry_after
from bot.outbox import OutboxSender
from bot.phases import load_phase
from bot.services.context import Services, utc_now
from bot.slack.deliveries import slack_deliveries
from bot.slack.locale import Locales
from storage import outbox as queue
from storage.db import Database, upgrade

LATENCY = 0.1
POSTS_PER_SECOND = 8
LEAD = "ULEAD"


@dataclass
class Rig:
    fake: FakeSlack
    services: Services
    sender: OutboxSender
    teams: list[str]
    chair: str = ""
    # The services' clock runs this far ahead: a later round is a later `påminn` minute.
    ahead: list[timedelta] = field(default_factory=lambda: [timedelta(0)])

    def pending(self) -> int:
        with self.services.db.reading() as session:
            return queue.depth(session=session)

    def at_limits(self) -> None:
        """From here on the fake Slack is as hard as Slack (a setup before it is not what is
        measured, and at 100 ms a call it would take most of a figure's budget)."""
        self.fake.faults.limits.set_latency(LATENCY)
        self.fake.faults.limits.limit_posts_per_workspace(POSTS_PER_SECOND)
        self.fake.rate_limit_per_channel(1.0)

    def settle(self, seconds: float = 120) -> None:
        """Until nothing is pending (a cheap count, so the wait takes little from the sender;
        what is measured is the fake Slack's clock, so how often it looks changes nothing)."""
        deadline = time.monotonic() + seconds
        while self.pending() and time.monotonic() < deadline:
            time.sleep(0.1)


@contextmanager
def slack_rig(kind: str, options: Options, workspaces: int) -> Iterator[Rig]:
    with database(kind, options.workdir) as url, FakeSlack() as fake:
        db = Database.from_url(url)
        upgrade(db.engine)
        phase = load_phase()
        ahead = [timedelta(0)]

        def clock() -> datetime:
            return utc_now() + ahead[0]

        services = Services(db=db, phases={phase.key: phase}, default_phase=phase.key, clock=clock)
        teams = [fake.state.team.id]
        tokens = {fake.state.team.id: fake.state.bot.token}
        for n in range(1, workspaces):
            team = fake.state.add_team(f"Kommun {n}").id
            teams.append(team)
            tokens[team] = str(fake.state.issue_token(team)["access_token"])
        clients = {
            t: WebClient(token=k, base_url=fake.api_url, timeout=10) for t, k in tokens.items()
        }
        sender = OutboxSender(services, slack_deliveries(services, clients.__getitem__, Locales()))
        sender.start()
        try:
            yield Rig(fake, services, sender, teams, ahead=ahead)
        finally:
            sender.stop()
            db.dispose()


def wait(done: Callable[[], bool], seconds: float, every: float = 0.05) -> None:
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        time.sleep(every)


def keys(rig: Rig, channel: str, prefix: str) -> list[str]:
    found = []
    for m in rig.fake.state.messages(channel):
        key = str(((m.metadata or {}).get("event_payload") or {}).get("key", ""))
        if key.startswith(prefix):
            found.append(key)
    return found


def key_of(call: ApiCall) -> str:
    """The outbox key a post carried in its metadata ("" for none)."""
    metadata = call.params.get("metadata")
    payload = (metadata.get("event_payload") if isinstance(metadata, dict) else None) or {}
    return str(payload.get("key") or "")


def refusals(calls: list[ApiCall]) -> tuple[int, int]:
    """(429s answered, calls that reached a workspace inside its Retry-After window)."""
    return sum(c.status == 429 for c in calls), len(calls_inside_retry_after(calls))


def load_average() -> str:
    """The 1-minute load average now, as `uptime` shows it."""
    with open("/proc/loadavg", encoding="ascii") as f:
        return f.read().split()[0]
