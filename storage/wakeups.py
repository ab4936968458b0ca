"""Waking the outbox sender in another process: PostgreSQL's LISTEN/NOTIFY.

With SENDER=process the web process queues outbox rows and the sender runs in a process of its
own. A wake-up is only a hint: the sender's poll still finds every due row, so a NOTIFY lost (a
dropped connection, a restart of either side) costs at most one poll interval, never a message.
No statement runs on a request thread: `Notifier.notify()` sets a flag, and the notifier's own
thread issues one NOTIFY, on its own connection, for however many calls came meanwhile.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from typing import Any

import psycopg
from sqlalchemy import Engine

log = logging.getLogger(__name__)

CHANNEL = "forvaltningsbot_outbox"
# After a failure the next try waits 0.1 s, doubled each time, up to this.
MAX_BACKOFF = 5.0
FIRST_BACKOFF = 0.1
# How often the listener looks up from the socket to see whether it is told to stop.
LISTEN_TIMEOUT = 1.0
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")

Connect = Callable[[], "psycopg.Connection[Any]"]


def connector(engine: Engine) -> Connect:
    """New autocommit connections to the engine's database, apart from its pool: each side
    holds one for as long as it runs, and a pooled one would be a request thread's less."""
    args, params = engine.dialect.create_connect_args(engine.url)
    # A peer that vanished without a word (a cut network) is noticed within a minute or so,
    # not at the kernel's default of two hours; a connect that hangs is given up.
    params = {
        **params,
        "autocommit": True,
        "connect_timeout": 5,
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
    }

    def connect() -> psycopg.Connection[Any]:
        return psycopg.connect(*args, **params)

    return connect


def _checked(channel: str) -> str:
    # NOTIFY and LISTEN take an identifier, not a parameter: only a plain name is written in.
    if not _IDENTIFIER.fullmatch(channel):
        raise ValueError(f"not a plain channel name: {channel!r}")
    return channel


class Backoff:
    """The wait before the next try: none at first, then doubling up to a bound."""

    def __init__(self, first: float = FIRST_BACKOFF, most: float = MAX_BACKOFF) -> None:
        self._first, self._most, self.seconds = first, most, 0.0

    def failed(self) -> float:
        self.seconds = min(self._most, self.seconds * 2 or self._first)
        return self.seconds

    def succeeded(self) -> None:
        self.seconds = 0.0


class Notifier:
    """`notify()` from any thread, at no cost to it; one NOTIFY per burst, from its thread."""

    def __init__(self, connect: Connect, *, channel: str = CHANNEL) -> None:
        self._connect = connect
        self._statement = f"NOTIFY {_checked(channel)}"
        self._wanted = threading.Event()
        self._stopping = threading.Event()
        self._backoff = Backoff()
        self._connection: psycopg.Connection[Any] | None = None
        self._thread: threading.Thread | None = None
        self.sent = 0  # NOTIFYs issued: fewer than notify() calls when they came in bursts

    def notify(self) -> None:
        """Something was queued: the sender process is to look now."""
        self._wanted.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="outbox-notifier", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5) -> None:
        self._stopping.set()
        self._wanted.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._close()

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            if self._stopping.is_set():
                return
            # Cleared before the NOTIFY: a call that comes while it is sent gets one more.
            self._wanted.clear()
            try:
                if self._connection is None:
                    self._connection = self._connect()
                self._connection.execute(self._statement)
            except Exception as err:  # the thread must outlive any outage; the poll covers it
                self._close()
                wait = self._backoff.failed()
                log.warning("outbox wake-up not sent (%s); trying again in %.1f s", err, wait)
                self._wanted.set()  # still owed once the database is back
                self._stopping.wait(wait)
                continue
            self._backoff.succeeded()
            self.sent += 1

    def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # closing a broken connection: nothing left to save
                log.debug("outbox notifier: closing its connection failed", exc_info=True)


class Listener:
    """In the sender's process: `wake()` at every NOTIFY, and once after each (re)connect,
    since what was notified while no one listened is lost."""

    def __init__(
        self,
        connect: Connect,
        wake: Callable[[], None],
        *,
        channel: str = CHANNEL,
        timeout: float = LISTEN_TIMEOUT,
    ) -> None:
        self._connect = connect
        self._wake = wake
        self._statement = f"LISTEN {_checked(channel)}"
        self._timeout = timeout
        self._stopping = threading.Event()
        self._backoff = Backoff()
        self._thread: threading.Thread | None = None
        self.listening = threading.Event()  # set while LISTEN holds on a live connection
        self.connections = 0  # connections that got as far as LISTEN

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="outbox-listener", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._listen()
            except Exception as err:  # the thread must outlive any outage; the poll covers it
                self.listening.clear()
                if self._stopping.is_set():
                    return
                wait = self._backoff.failed()
                log.warning("outbox wake-ups not heard (%s); listening again in %.1f s", err, wait)
                self._stopping.wait(wait)

    def _listen(self) -> None:
        with self._connect() as connection:
            connection.execute(self._statement)
            self.connections += 1
            self._backoff.succeeded()
            self.listening.set()
            self._wake()
            while not self._stopping.is_set():
                # Returns after `timeout` with nothing, or raises when the connection breaks.
                for _ in connection.notifies(timeout=self._timeout):
                    self._wake()
        self.listening.clear()
