"""The bench: a fake Slack workspace, the servers in subprocesses, and a keep-alive client.

Each server (the bot, or the bare Bolt app it is compared with) runs in a process of its own,
started the way production starts it, so its latency and its memory are its own; the fake Slack
and the load generator share this process.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import SecretStr

from bot.config import Settings
from bot.domain.phase import Phase
from bot.emulator import BotResponse, FakeSlack, SlackRequester
from bot.http import HEALTH_PATH, METRICS_PATH
from bot.wiring import Bot

SIGNING_SECRET = "bench-signing-secret"  # noqa: S105  (a fake workspace's secret)
BOT_TOKEN = "xoxb-bench"  # noqa: S105
PG_ADMIN_URL = os.environ.get(
    "BENCH_DATABASE_URL",
    os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
)
ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60.0
REQUEST_TIMEOUT = 30.0


@dataclass(frozen=True)
class Workspace:
    """The fake workspace: a project lead, two owners, and one channel per load worker."""

    fake: FakeSlack
    lead: str
    owner: str
    member: str
    channels: tuple[str, ...]
    steering_channel: str


def workspace(fake: FakeSlack, channels: int) -> Workspace:
    state = fake.state
    lead = state.add_user("anna", real_name="Anna Andersson", locale="sv-SE")
    owner = state.add_user("erik", real_name="Erik Eriksson", locale="en-US")
    member = state.add_user("sara", real_name="Sara Svensson", locale="sv-SE")
    people = (lead, owner, member)
    return Workspace(
        fake=fake,
        lead=lead,
        owner=owner,
        member=member,
        channels=tuple(state.add_channel(f"projekt-{i}", members=people) for i in range(channels)),
        steering_channel=state.add_channel("styrgrupp", members=people),
    )


class KeepAliveRequester(SlackRequester):
    """SlackRequester over one persistent HTTP/1.1 connection per thread, timing each exchange.

    The time taken is from just before the signed request is written until the whole response
    has been read: what Slack waits for an ack. Building the payload is not counted.
    """

    def __init__(self, bot_url: str, fake: FakeSlack) -> None:
        super().__init__(bot_url, SIGNING_SECRET, fake, timeout=REQUEST_TIMEOUT)
        parts = urlsplit(self.url)
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or 80
        self._path = parts.path
        self._local = threading.local()
        self._all: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    @property
    def last_seconds(self) -> float:
        seconds: float = self._local.seconds
        return seconds

    def _connection(self) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)
            self._local.connection = connection
            with self._lock:
                self._all.append(connection)
        return connection

    def send(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: str | int | None = None,
        signature: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> BotResponse:
        sent = self.signed_headers(body, content_type, timestamp, signature, headers)
        data = body.encode("utf-8")
        for attempt in (1, 2):
            connection = self._connection()
            reused = connection.sock is not None
            started = time.perf_counter()
            try:
                connection.request("POST", self._path, body=data, headers=sent)
                reply = connection.getresponse()
                text = reply.read()
                break
            except (http.client.HTTPException, OSError):
                connection.close()
                # The server may close an idle keep-alive connection (waitress' channel
                # timeout); then the request never reached it, and one retry is safe.
                if attempt == 2 or not reused:
                    raise
        self._local.seconds = time.perf_counter() - started
        return BotResponse(
            status=reply.status,
            headers=dict(reply.getheaders()),
            text=text.decode("utf-8"),
            sent_body=body,
            sent_headers=sent,
        )

    def close(self) -> None:
        with self._lock:
            for connection in self._all:
                connection.close()
            self._all.clear()


@contextlib.contextmanager
def bot_in_process(
    fake: FakeSlack, database_url: str, *, phase: Phase | None = None
) -> Iterator[tuple[Bot, KeepAliveRequester]]:
    """The bot as `serve` builds it, serving on loopback in this process, without its outbox
    sender: every statement on its engine then belongs to the request being sent."""
    settings = Settings(
        slack_bot_token=SecretStr(BOT_TOKEN),
        slack_signing_secret=SecretStr(SIGNING_SECRET),
        slack_api_url=fake.api_url,
        database_url=database_url,
        host="127.0.0.1",
        port=0,
    )
    bot = Bot.build(settings, phase=phase)
    bot.server.start_in_background()
    requester = KeepAliveRequester(bot.server.url, fake)
    try:
        yield bot, requester
    finally:
        requester.close()
        bot.stop()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ServerProcess:
    """A server in a subprocess of its own: `ours` is `python -m bot serve` as production runs
    it (on PostgreSQL with SENDER=process: its sender and tick in a child process of their own,
    as the floor has no sender at all to share its interpreter with); `bare` is the bare Bolt
    app of `benchmarks.bare`, under the same HttpServer settings."""

    COMMANDS: Mapping[str, Sequence[str]] = {
        "ours": ("-m", "bot", "serve"),
        "bare": ("-m", "benchmarks.bare"),
        "floor": ("-m", "benchmarks.floor"),
    }

    def __init__(self, kind: str, *, fake: FakeSlack, database_url: str, logdir: Path) -> None:
        self.kind = kind
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = logdir / f"{kind}-{self.port}.log"
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": database_url,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "SENDER": "process" if database_url.startswith("postgresql") else "inline",
        }
        # The sender's process boots after the web process answers (imports, the schema check,
        # then a first tick at once): what is measured must not start while it does.
        self.sender_port = free_port() if kind == "ours" and env["SENDER"] == "process" else None
        if self.sender_port is not None:
            env["SENDER_PORT"] = str(self.sender_port)
        for name in ("SLACK_APP_TOKEN",):  # never Socket Mode here
            env.pop(name, None)
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603  (our own interpreter and modules)
            [sys.executable, *self.COMMANDS[kind]],
            env=env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.requester = KeepAliveRequester(self.url, fake)

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Until the server answers HTTP at all (the bare app answers 404 on /healthz), and
        its sender's process, if it has one, has finished its first tick."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} server exited at start:\n{self.log_tail()}")
            if self._answers(self.port, HEALTH_PATH) is not None and (
                self.sender_port is None or _ticked(self._answers(self.sender_port, METRICS_PATH))
            ):
                return
            time.sleep(0.05)
        raise RuntimeError(f"{self.kind} server did not answer in {timeout} s:\n{self.log_tail()}")

    @staticmethod
    def _answers(port: int, path: str) -> str | None:
        with contextlib.suppress(OSError, http.client.HTTPException):
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:
                probe.request("GET", path)
                return probe.getresponse().read().decode()
            finally:
                probe.close()
        return None

    def rss_kib(self) -> dict[str, int]:
        """VmRSS and VmHWM (peak) of the server process and its children (the sender's process
        of SENDER=process), summed, from /proc."""
        fields = {"VmRSS": 0, "VmHWM": 0}
        for pid in (self.pid, *children(self.pid)):
            with contextlib.suppress(FileNotFoundError):  # a child that has just exited
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    name, _, value = line.partition(":")
                    if name in fields:
                        fields[name] += int(value.split()[0])
        return fields

    def log_tail(self, lines: int = 30) -> str:
        self._log.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        self.requester.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log.close()


def _ticked(metrics: str | None) -> bool:
    """Whether a sender's /metrics counts a tick done."""
    for line in (metrics or "").splitlines():
        name, _, value = line.partition(" ")
        if name.endswith("tick_seconds_count"):
            return float(value) >= 1
    return False


def children(pid: int) -> list[int]:
    """The direct children of process `pid` (none if it has exited)."""
    try:
        listed = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(child) for child in listed.split()]


@contextlib.contextmanager
def servers(
    kinds: Sequence[str], *, fake: FakeSlack, database_url: str, logdir: Path
) -> Iterator[dict[str, ServerProcess]]:
    started: dict[str, ServerProcess] = {}
    try:
        for kind in kinds:
            started[kind] = ServerProcess(kind, fake=fake, database_url=database_url, logdir=logdir)
        for server in started.values():
            server.wait_ready()
        yield started
    finally:
        for server in started.values():
            server.stop()


class DatabaseUnavailable(Exception):
    """The database the figure asked for cannot be had here; the report says why."""


@contextlib.contextmanager
def database(kind: str, workdir: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a new database on the PostgreSQL server."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(dir=workdir, prefix="bench-db-") as folder:
            yield f"sqlite:///{Path(folder) / 'bot.db'}"
        return
    if kind != "postgresql":
        raise ValueError(f"unknown database {kind!r}")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        admin.dispose()
        raise DatabaseUnavailable(f"PostgreSQL not reachable at {PG_ADMIN_URL}") from exc
    name = f"fb_bench_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def database_copy(url: str) -> Iterator[str]:
    """A PostgreSQL copy of the database at `url` (nobody may be connected to it meanwhile)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    source = make_url(url)
    name = f"{source.database}_copy"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source.database}"'))
    try:
        yield source.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def check(
    response: BotResponse, what: str, expect: Callable[[dict[str, Any]], bool] | None = None
) -> None:
    """A 200; with `expect`, also a JSON reply it accepts (a refusal is faster than the work)."""
    if response.status != 200:
        raise RuntimeError(f"{what}: HTTP {response.status}: {response.text[:300]}")
    if expect is None:
        return
    body = response.json
    if not isinstance(body, dict) or not expect(body):
        raise RuntimeError(f"{what}: unexpected reply: {response.text[:300]}")
