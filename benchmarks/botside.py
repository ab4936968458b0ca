"""The bot of figure 6 in a process of its own, as `serve` runs apart from Slack.

In one process with the fake Slack, the fake's HTTP server (a thread and a connection for
every call) and the bot's sender took turns at one interpreter lock, and the figure counted the
fake's CPU as the bot's. Here the parent holds the fake Slack and reads its record of the
calls; the child holds the database, the services and the sender, and runs what the parent
sends it: a module-level function of the figure, called with the child's `Bot`. Both read the
same monotonic clock (the system's), so the child's times and the fake's compare.
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from multiprocessing.connection import Connection
from typing import Any

from slack_sdk import WebClient

from bot.outbox import OutboxSender
from bot.phases import load_phase
from bot.services.context import Services, utc_now
from bot.slack.deliveries import slack_deliveries
from bot.slack.locale import Locales
from storage import outbox as queue
from storage.db import Database

# Every answer from the child comes within this, or the figure stops (no wait without a bound).
ANSWER_SECONDS = 300.0


@dataclass
class Bot:
    """The child's side: what a listener and the sender have in `serve`."""

    services: Services
    sender: OutboxSender
    # The services' clock runs this far ahead: a later round is a later `påminn` minute.
    ahead: list[timedelta] = field(default_factory=lambda: [timedelta(0)])

    def settle(self, seconds: float = 120) -> None:
        drain(self.services, seconds)


def drain(services: Services, seconds: float) -> None:
    """Until nothing is pending (a cheap count, so the wait takes little from the sender;
    what is measured is the fake Slack's clock, so how often it looks changes nothing)."""
    deadline = time.monotonic() + seconds
    while pending(services) and time.monotonic() < deadline:
        time.sleep(0.1)


def pending(services: Services) -> int:
    with services.db.reading() as session:
        return queue.depth(session=session)


class BotProcess:
    """The parent's handle on the child: `call(f, *args)` runs `f(bot, *args)` there."""

    def __init__(self, connection: Connection, process: multiprocessing.process.BaseProcess):
        self._connection = connection
        self._process = process

    def call(self, function: Callable[..., Any], *args: Any) -> Any:
        self._connection.send((function, args))
        if not self._connection.poll(ANSWER_SECONDS):
            raise TimeoutError(f"the bot's process did not answer {function.__name__} in time")
        ok, value = self._connection.recv()
        if not ok:
            raise RuntimeError(f"in the bot's process:\n{value}")
        return value

    def stop(self) -> None:
        self._connection.send(None)
        self._process.join(30)
        if self._process.is_alive():
            self._process.kill()


@contextmanager
def bot_process(url: str, api_url: str, tokens: dict[str, str]) -> Iterator[BotProcess]:
    """The bot on the migrated database `url`, talking to the fake Slack at `api_url` with each
    workspace's token. A fresh interpreter (spawn), not a fork of one running threads."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_serve, args=(child, url, api_url, tokens), daemon=True)
    process.start()
    handle = BotProcess(parent, process)
    try:
        yield handle
    finally:
        handle.stop()


@contextmanager
def running_bot(db: Database, api_url: str, tokens: dict[str, str]) -> Iterator[Bot]:
    """The services and the started sender on `db`, with each workspace's bot token, as
    `serve` wires them; the database is disposed of when it ends."""
    phase = load_phase()
    ahead = [timedelta(0)]

    def clock() -> datetime:
        return utc_now() + ahead[0]

    services = Services(db=db, phases={phase.key: phase}, default_phase=phase.key, clock=clock)
    clients = {t: WebClient(token=k, base_url=api_url, timeout=10) for t, k in tokens.items()}
    sender = OutboxSender(services, slack_deliveries(services, clients.__getitem__, Locales()))
    sender.start()
    try:
        yield Bot(services, sender, ahead)
    finally:
        sender.stop()
        db.dispose()


def _serve(connection: Connection, url: str, api_url: str, tokens: dict[str, str]) -> None:
    with running_bot(Database.from_url(url), api_url, tokens) as bot:
        while (request := connection.recv()) is not None:
            function, args = request
            try:
                connection.send((True, function(bot, *args)))
            except Exception:  # the parent raises it, with the child's traceback
                connection.send((False, traceback.format_exc()))
