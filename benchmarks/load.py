"""Sending a batch of requests from concurrent workers, and timing each one."""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from benchmarks.harness import ServerProcess, Workspace, check
from benchmarks.surfaces import Surface


@dataclass
class Load:
    """Counts each worker's requests per server and surface, so `klar`/`pågår` alternate."""

    sent: dict[tuple[str, str, int], int] = field(default_factory=dict)

    def next(self, kind: str, surface: str, worker: int) -> int:
        n = self.sent.get((kind, surface, worker), 0)
        self.sent[(kind, surface, worker)] = n + 1
        return n


def batch(
    pool: ThreadPoolExecutor,
    server: ServerProcess,
    ws: Workspace,
    surface: Surface,
    load: Load,
    workers: int,
    per_worker: int,
) -> list[float]:
    """`workers` concurrent workers (worker i in channel i) send `per_worker` requests each,
    one after the other; returns the seconds each took. The pool must have `workers` threads."""
    # Ours and the transactional floor must answer what was asked (a refusal is faster than
    # the work); the bare app of the memory figure only acks, with an empty body.
    expect = None if server.kind == "bare" else surface.expect

    def worker(index: int) -> list[float]:
        timings = []
        for _ in range(per_worker):
            n = load.next(server.kind, surface.name, index)
            response = surface.send(server.requester, ws, index, n)
            check(response, f"{server.kind} {surface.name}", expect)
            timings.append(server.requester.last_seconds)
        return timings

    return list(itertools.chain.from_iterable(pool.map(worker, range(workers))))
