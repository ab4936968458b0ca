"""The bot of figure 6 in a process of its own, as `serve` runs apart from Slack.

In one process with the fake Slack, the fake's HTTP server (a thread and a connection for
every call) and the bot's sender took turns at one interpreter lock, and the figure counted the
fake's CPU as the bot's. Here the parent holds the fake Slack and reads its record of the
calls; the child holds the database, the services and the sender, and runs what the parent
sends it: a module-level function of the figure, called with the child's `Bot`. Both read the
same monotonic clock (the system's), so the child's times and the fake's compare.

On PostgreSQL the bot is two children, as `serve` runs with SENDER=process: the request side
(the services; its `sender` is the notifier that wakes the other with NOTIFY) and the sender's
process (the sender, woken by its listener). The figure's functions run on the request side;
`everywhere` runs one in both (the services' clock, moved ahead in both).
"""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from multiprocessing.connection import Connection
from typing import Any, Protocol

from slack_sdk import WebClient

from bot.config import Settings
from bot.outbox import OutboxSender
from bot.phases import load_phase
from bot.services.context import Services, utc_now
from bot.slack.deliveries import slack_deliveries
from bot.slack.locale import Locales
from storage import outbox as queue
from storage.db import Database
from storage.wakeups import Listener, Notifier, connector

# Every answer from the child comes within this, or the figure stops (no wait without a bound).
ANSWER_SECONDS = 300.0


class Wakes(Protocol):
    def notify(self) -> None: ...


@dataclass
class Bot:
    """The child's side: what a listener and the sender have in `serve`."""

    services: Services
    sender: Wakes  # what a listener notifies: the sender, or the NOTIFY that wakes its process
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


class Child:
    """One child process, and the pipe it takes its calls through."""

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


class BotProcess:
    """The parent's handle on the children: `call(f, *args)` runs `f(bot, *args)` on the
    request side, `everywhere(f, *args)` in every child (the request side's answer first)."""

    def __init__(self, children: list[Child]) -> None:
        self._children = children

    def call(self, function: Callable[..., Any], *args: Any) -> Any:
        return self._children[0].call(function, *args)

    def everywhere(self, function: Callable[..., Any], *args: Any) -> list[Any]:
        return [child.call(function, *args) for child in self._children]


@contextmanager
def bot_process(url: str, api_url: str, tokens: dict[str, str]) -> Iterator[BotProcess]:
    """The bot on the migrated database `url`, talking to the fake Slack at `api_url` with each
    workspace's token; on PostgreSQL the sender in a process of its own, as SENDER=process
    runs it. Fresh interpreters (spawn), not forks of one running threads."""
    context = multiprocessing.get_context("spawn")
    parts = ["web", "sender"] if url.startswith("postgresql") else ["whole"]
    children: list[Child] = []
    try:
        for part in parts:
            parent, child = context.Pipe()
            process = context.Process(
                target=_serve, args=(child, part, url, api_url, tokens), daemon=True
            )
            process.start()
            children.append(Child(parent, process))
        yield BotProcess(children)
    finally:
        for started in children:
            started.stop()


def set_ahead(bot: Bot, ahead: timedelta) -> None:
    """In a child: its services' clock this far ahead (a later `påminn` minute)."""
    bot.ahead[0] = ahead


def cpu_seconds(_bot: Bot) -> float:
    """In a child: the CPU its process has used so far."""
    return time.process_time()


def _services(db: Database, ahead: list[timedelta]) -> Services:
    phase = load_phase()

    def clock() -> datetime:
        return utc_now() + ahead[0]

    return Services(db=db, phases={phase.key: phase}, default_phase=phase.key, clock=clock)


@contextmanager
def running_bot(
    db: Database, api_url: str, tokens: dict[str, str], *, listen: bool = False
) -> Iterator[Bot]:
    """The services and the started sender on `db`, with each workspace's bot token, as
    `serve` wires them (`listen`: woken by NOTIFY, as the sender's process of SENDER=process);
    the database is disposed of when it ends."""
    ahead = [timedelta(0)]
    services = _services(db, ahead)
    clients = {t: WebClient(token=k, base_url=api_url, timeout=10) for t, k in tokens.items()}
    sender = OutboxSender(services, slack_deliveries(services, clients.__getitem__, Locales()))
    listener = Listener(connector(db.engine), sender.notify) if listen else None
    sender.start()
    if listener is not None:
        listener.start()
    try:
        yield Bot(services, sender, ahead)
    finally:
        if listener is not None:
            listener.stop()
        sender.stop()
        db.dispose()


@contextmanager
def running_web(db: Database) -> Iterator[Bot]:
    """The request side of SENDER=process: the services, and the notifier for a sender."""
    ahead = [timedelta(0)]
    notifier = Notifier(connector(db.engine))
    notifier.start()
    try:
        yield Bot(_services(db, ahead), notifier, ahead)
    finally:
        notifier.stop()
        db.dispose()


def _serve(
    connection: Connection, part: str, url: str, api_url: str, tokens: dict[str, str]
) -> None:
    if part == "sender":  # as `forvaltningsbot send` stands back for the requests
        os.nice(Settings.model_fields["sender_nice"].default)
    db = Database.from_url(url)
    running = (
        running_web(db)
        if part == "web"
        else running_bot(db, api_url, tokens, listen=part == "sender")
    )
    with running as bot:
        while (request := connection.recv()) is not None:
            function, args = request
            try:
                connection.send((True, function(bot, *args)))
            except Exception:  # the parent raises it, with the child's traceback
                connection.send((False, traceback.format_exc()))
