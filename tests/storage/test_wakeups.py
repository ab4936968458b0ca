"""The wake-ups of the sender's process: a burst of notify() is one NOTIFY, from the notifier's
own thread; both sides outlive a lost connection; and on PostgreSQL a NOTIFY reaches LISTEN."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import create_engine, text

from storage.wakeups import Listener, Notifier, connector
from tests.support.databases import fresh_postgres_database
from tests.support.waiting import eventually


class FakeConnection:
    """What the notifier and the listener use of a psycopg connection."""

    def __init__(self, statements: list[tuple[str, str]], *, gate: threading.Event | None = None):
        self.statements = statements
        self.gate = gate
        self.broken = False
        self.closed = False
        self.incoming: queue.Queue[str] = queue.Queue()

    def execute(self, statement: str) -> None:
        if self.broken:
            raise psycopg.OperationalError("the server closed the connection")
        self.statements.append((statement, threading.current_thread().name))
        if self.gate is not None:
            assert self.gate.wait(10), "the test never opened the gate"

    def notifies(self, *, timeout: float) -> Iterator[str]:
        try:
            item = self.incoming.get(timeout=timeout)
        except queue.Empty:
            return
        if item == "break":
            raise psycopg.OperationalError("the server closed the connection")
        yield item

    def close(self) -> None:
        self.closed = True

    def __enter__(self) -> FakeConnection:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class FakeServer:
    """Hands out connections; the first `refusals` attempts fail as a server that is down."""

    def __init__(self, refusals: int = 0, gate: threading.Event | None = None) -> None:
        self.refusals = refusals
        self.gate = gate
        self.attempts = 0
        self.statements: list[tuple[str, str]] = []
        self.connections: list[FakeConnection] = []

    def connect(self) -> Any:
        self.attempts += 1
        if self.attempts <= self.refusals:
            raise psycopg.OperationalError("connection refused")
        self.connections.append(FakeConnection(self.statements, gate=self.gate))
        return self.connections[-1]


def test_a_burst_of_notify_calls_is_one_notify_sent_from_the_notifiers_thread() -> None:
    gate = threading.Event()
    server = FakeServer(gate=gate)
    notifier = Notifier(server.connect)
    notifier.start()
    try:
        notifier.notify()
        assert eventually(lambda: len(server.statements) == 1)  # held at the gate
        for _ in range(100):  # the burst, while the first NOTIFY is on its way
            notifier.notify()
        gate.set()
        assert eventually(lambda: notifier.sent == 2)
        notifier.notify()  # the marker: one more call, one more NOTIFY
        assert eventually(lambda: notifier.sent == 3)
        assert [s for s, _ in server.statements] == ["NOTIFY forvaltningsbot_outbox"] * 3
        assert {thread for _, thread in server.statements} == {"outbox-notifier"}
        assert len(server.connections) == 1  # one connection of its own, kept
    finally:
        notifier.stop()
    assert server.connections[0].closed


def test_the_notifier_connects_again_and_still_sends_what_it_owes() -> None:
    server = FakeServer(refusals=2)  # the database is down at first
    notifier = Notifier(server.connect)
    notifier.start()
    try:
        notifier.notify()
        assert eventually(lambda: notifier.sent == 1)
        assert server.attempts == 3
        server.connections[0].broken = True  # the server restarts under it
        notifier.notify()
        assert eventually(lambda: notifier.sent == 2)
        assert len(server.connections) == 2 and server.connections[0].closed
    finally:
        notifier.stop()


def test_the_listener_wakes_at_each_notify_and_after_each_reconnect() -> None:
    server = FakeServer(refusals=1)
    wakes: list[int] = []
    listener = Listener(server.connect, lambda: wakes.append(1), timeout=0.05)
    listener.start()
    try:
        # Once listening it wakes the sender: what was notified before it listened is lost.
        assert eventually(lambda: len(wakes) == 1)
        assert server.attempts == 2 and server.statements[0][0] == "LISTEN forvaltningsbot_outbox"
        server.connections[0].incoming.put("notify")
        assert eventually(lambda: len(wakes) == 2)
        server.connections[0].incoming.put("break")
        assert eventually(lambda: listener.connections == 2)
        assert eventually(lambda: len(wakes) == 3)  # the reconnect's own
        server.connections[1].incoming.put("notify")
        assert eventually(lambda: len(wakes) == 4)
    finally:
        listener.stop()
    assert all(c.closed for c in server.connections)


def test_a_channel_name_is_a_plain_identifier() -> None:
    server = FakeServer()
    with pytest.raises(ValueError, match="plain channel name"):
        Notifier(server.connect, channel="x; DROP TABLE outbox")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with fresh_postgres_database() as url:
        yield url


@pytest.mark.postgres
def test_a_notify_reaches_the_listener_on_postgresql_through_a_dropped_connection(
    postgres_url: str,
) -> None:
    engine = create_engine(postgres_url)
    woken = threading.Semaphore(0)
    listener = Listener(connector(engine), woken.release, timeout=0.1)
    notifier = Notifier(connector(engine))
    listener.start()
    notifier.start()
    try:
        assert listener.listening.wait(10) and woken.acquire(timeout=10)  # the connect's own
        notifier.notify()
        assert woken.acquire(timeout=10), "the NOTIFY did not reach the listener"
        # Every connection but this one's dropped, as a server restart would.
        with engine.connect() as admin:
            admin.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        assert eventually(lambda: listener.connections == 2), "the listener did not reconnect"
        assert woken.acquire(timeout=10)  # the reconnect's own
        notifier.notify()  # its connection was dropped too: it connects again
        assert woken.acquire(timeout=10), "no NOTIFY after the reconnect"
    finally:
        notifier.stop()
        listener.stop()
        engine.dispose()
