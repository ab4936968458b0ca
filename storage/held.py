"""One driver connection per thread, held between uses: the ack's path without a pool.

On PostgreSQL a status, a change and a click send their statements straight to psycopg
(storage.driver). Taking a pooled connection for each use and giving it back (the checkout,
the pool's rollback on return, the checkin) was a tenth of such a request's CPU, twice for a
change (the gate's replay look-up, then the change itself): in the figure-1 runs of issue 5/6
a status change's CPU in the web process fell from 1.5 to 1.3 ms without it. The transactional
floor keeps one connection per server thread; so do these, in autocommit, where a read is its
statement alone and a transaction sends its own BEGIN (as psycopg does for one).

At most `most` are held at once (by the first threads to ask: the HTTP workers, which start
first); a thread beyond them, such as the sender's last workers, takes a pooled connection
for each use, as before, so the connections a process keeps stay bounded.

A held connection is replaced when any connection finds the server gone (a restart cuts them
all: one request fails, not one per thread), when it is older than the pools' recycle age
(before a server's or a proxy's idle timeout cuts it), and closed when its thread ends or the
database is disposed.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from sqlalchemy import Engine


class _Held:
    """A thread's connection; closed when the thread ends and its thread-local goes."""

    __slots__ = ("__weakref__", "born", "busy", "connection", "generation")

    def __init__(self, connection: Any, generation: int, born: float) -> None:
        self.connection, self.generation, self.born = connection, generation, born
        self.busy = False

    def close(self) -> None:
        with suppress(Exception):  # closing a broken connection: nothing left to save
            self.connection.close()

    def __del__(self) -> None:
        self.close()


class HeldConnections:
    """Connections of `engine`'s (the readers' engine: autocommit), one per thread."""

    def __init__(
        self,
        engine: Engine,
        *,
        recycle: float,
        most: int,
        on_broken: Callable[[], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._recycle = recycle
        self._most = most
        self._on_broken = on_broken
        self._clock = clock
        self._local = threading.local()
        self._generation = 0
        self._all: weakref.WeakSet[_Held] = weakref.WeakSet()
        self._lock = threading.Lock()

    @contextmanager
    def use(self) -> Iterator[Any]:
        """This thread's driver connection, for statements on it alone; a pooled one while
        this thread's is in use (a use within a use must not join its transaction). If the
        server dropped it, every held connection is renewed, and `on_broken` renews the pools."""
        held = self._held()
        if held is None or held.busy:
            pooled = self._engine.raw_connection()
            try:
                with self._watched(pooled.driver_connection) as connection:
                    yield connection
            finally:
                pooled.close()
            return
        held.busy = True
        try:
            with self._watched(held.connection) as connection:
                yield connection
        finally:
            held.busy = False

    @contextmanager
    def _watched(self, connection: Any) -> Iterator[Any]:
        try:
            yield connection
        except Exception:
            if connection.broken:
                self.renew()
                self._on_broken()
            raise

    def renew(self) -> None:
        """Every thread takes a new connection at its next use (the server restarted)."""
        with self._lock:
            self._generation += 1

    def close(self) -> None:
        self.renew()
        with self._lock:
            held = list(self._all)
        for each in held:
            each.close()

    def _held(self) -> _Held | None:
        """This thread's, renewed if it must be; None if it has none and no more may be held."""
        held: _Held | None = getattr(self._local, "held", None)
        now = self._clock()
        if held is not None and (
            held.generation != self._generation
            or held.connection.closed
            or now - held.born > self._recycle
        ):
            held.close()
            with self._lock:
                self._all.discard(held)
            held = self._local.held = None
        if held is None:
            with self._lock:  # held while connecting, which each thread does once
                if len(self._all) >= self._most:
                    return None
                pooled = self._engine.raw_connection()
                connection = pooled.driver_connection
                assert connection is not None
                pooled.detach()  # the pool's no longer: it neither counts, resets nor closes it
                connection.autocommit = True
                held = self._local.held = _Held(connection, self._generation, now)
                self._all.add(held)
        return held
