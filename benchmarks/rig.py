"""The rig of figures 6 and 7: the sender and the Slack deliveries as `serve` runs them (the
worker pool, the budgets), over a fresh database, against several fake workspaces with their
own tokens, and the fake Slack made as hard as Slack once the setup is done. Figure 6 runs the
bot in a process of its own (`BotRig`, `benchmarks.botside`); figure 7, whose time is Slack's
history budget rather than CPU, in this one (`Rig`).

At Slack's limits every Web API call takes 100 ms; each workspace takes 8 posts a second and
answers 429 with a Retry-After beyond that (and to every post inside that window); one message
a second per channel.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from benchmarks.botside import BotProcess, Wakes, bot_process, drain, running_bot
from benchmarks.figure import Options
from benchmarks.harness import database
from bot.emulator import FakeSlack
from bot.emulator.calls import ApiCall
from bot.emulator.limits import calls_inside_retry_after
from bot.services.context import Services
from storage.db import Database, upgrade

LATENCY = 0.1
POSTS_PER_SECOND = 8
LEAD = "ULEAD"


@dataclass
class Rig:
    """Figure 7's: the bot in this process, beside the fake Slack."""

    fake: FakeSlack
    services: Services
    sender: Wakes
    teams: list[str]
    chair: str = ""

    def at_limits(self) -> None:
        at_limits(self.fake)

    def settle(self, seconds: float = 120) -> None:
        drain(self.services, seconds)


@dataclass
class BotRig:
    """Figure 6's: the bot in a process of its own (`benchmarks.botside`), the fake here."""

    fake: FakeSlack
    teams: list[str]
    bot: BotProcess

    def at_limits(self) -> None:
        at_limits(self.fake)


def at_limits(fake: FakeSlack) -> None:
    """From here on the fake Slack is as hard as Slack (a setup before it is not what is
    measured, and at 100 ms a call it would take most of a figure's budget)."""
    fake.faults.limits.set_latency(LATENCY)
    fake.faults.limits.limit_posts_per_workspace(POSTS_PER_SECOND)
    fake.rate_limit_per_channel(1.0)


def workspaces(fake: FakeSlack, n: int) -> dict[str, str]:
    """`n` workspaces of the fake Slack (its own first), each with its bot token."""
    tokens = {fake.state.team.id: fake.state.bot.token}
    for k in range(1, n):
        team = fake.state.add_team(f"Kommun {k}").id
        tokens[team] = str(fake.state.issue_token(team)["access_token"])
    return tokens


@contextmanager
def bot_rig(kind: str, options: Options, n: int) -> Iterator[BotRig]:
    with database(kind, options.workdir) as url, FakeSlack() as fake:
        db = Database.from_url(url)
        upgrade(db.engine)
        db.dispose()
        tokens = workspaces(fake, n)
        with bot_process(url, fake.api_url, tokens) as bot:
            yield BotRig(fake, list(tokens), bot)


@contextmanager
def slack_rig(kind: str, options: Options, n: int) -> Iterator[Rig]:
    with database(kind, options.workdir) as url, FakeSlack() as fake:
        db = Database.from_url(url)
        upgrade(db.engine)
        tokens = workspaces(fake, n)
        with running_bot(db, fake.api_url, tokens) as bot:
            yield Rig(fake, bot.services, bot.sender, list(tokens))


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
