"""The playground: the real bot, talking to the fake Slack, with a page to play every part.

The bot is built exactly as `serve` builds it (the builder is passed in, so this package does
not import the command line); only its Slack is the emulator in `bot.emulator`, reached
through SLACK_API_URL and signed requests, as real Slack would reach it.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Protocol
from zoneinfo import ZoneInfo

from pydantic import SecretStr

from bot.config import Settings
from bot.domain.errors import DomainError
from bot.emulator import BotIdentity, FakeSlack, SlackRequester
from bot.emulator.client import HumanClient
from bot.playground import demo
from bot.playground.roster import Directory, populate
from bot.server import HttpServer

log = logging.getLogger(__name__)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
LOOPBACK = "127.0.0.1"


class RunningBot(Protocol):
    """What the playground needs of `bot.wiring.Bot`."""

    @property
    def server(self) -> HttpServer: ...

    def start_background_work(self) -> None: ...

    def stop(self) -> None: ...


BotBuilder = Callable[[Settings], RunningBot]


class Playground:
    """Fake Slack + page on `port` (loopback only), the bot on a free loopback port behind it.

    The database is a SQLite file in a temporary folder, fresh every time: the fake workspace
    lives in memory, so a kept database would hold projects bound to channels that are gone.
    DATABASE_URL is ignored on purpose, so a playground can never write into a real database.
    """

    def __init__(
        self,
        build: BotBuilder,
        *,
        port: int = 0,
        demo: bool = False,
        log_level: str = "INFO",
        threads: int = 4,
    ) -> None:
        self._build = build
        self._port = port
        self._demo = demo
        self._log_level = log_level
        self._threads = threads
        self._folder: Path | None = None
        self._bot: RunningBot | None = None
        self.fake: FakeSlack | None = None
        self.client: HumanClient | None = None
        self.ids: Directory | None = None

    @property
    def url(self) -> str:
        if self.fake is None:
            raise RuntimeError("the playground is not started")
        return self.fake.base_url

    def start(self) -> Playground:
        # Fresh per session and never printed: the fake checks both exactly as Slack would,
        # so the bot's signature check and token handling run for real.
        signing_secret = secrets.token_hex(32)
        token = "xoxb-playground-" + secrets.token_hex(16)
        self._folder = Path(tempfile.mkdtemp(prefix="forvaltningsbot-playground-"))
        try:
            self.fake = FakeSlack(host=LOOPBACK, port=self._port, bot=BotIdentity(token=token))
            self.ids = populate(self.fake.state)
            self.fake.start()
            settings = Settings(
                slack_bot_token=SecretStr(token),
                slack_signing_secret=SecretStr(signing_secret),
                slack_app_token=None,
                slack_api_url=self.fake.api_url,
                database_url=f"sqlite:///{self._folder / 'playground.db'}",
                host=LOOPBACK,
                port=0,
                threads=self._threads,
                log_level=self._log_level,
            )
            self._bot = self._build(settings)
            self._bot.server.start_in_background()
            self._bot.start_background_work()
            requester = SlackRequester(self._bot.server.url, signing_secret, self.fake)
            self.client = HumanClient(
                self.fake,
                requester,
                roles=self.ids.roles,
                start_channel=self.ids.channels[demo.PROJECT_CHANNEL],
            ).install()
            if self._demo:
                self.seed_demo()
        except BaseException:
            self.stop()
            raise
        return self

    def seed_demo(self) -> None:
        assert self.client is not None and self.ids is not None
        client = self.client
        today = datetime.now(STOCKHOLM).date()
        demo.seed(
            lambda user, channel, typed: client.command(user, channel, typed, quiet=True),
            self.ids,
            demo.script(today),
        )

    def stop(self) -> None:
        if self._bot is not None:
            self._bot.stop()
            self._bot = None
        if self.fake is not None:
            self.fake.stop()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def __enter__(self) -> Playground:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


BANNER = """\
Förvaltningsbot playground: open {url} in your browser.
  A fake Slack workspace on this machine only (nothing is sent to Slack); choose who you are
  at the top of the page and type /forvaltning hjälp.{demo}
  Stop with Ctrl-C. To connect real Slack instead, see "Running it for real" in README.md.
"""
DEMO_NOTE = "\n  Demo: the project in #kommunen-x is half-way; Milstolpe VII is a few steps away."


def run(build: BotBuilder, *, port: int, demo: bool, log_level: str = "INFO") -> int:
    """Start the playground and serve until SIGTERM or Ctrl-C; the exit code for the CLI."""
    playground = Playground(build, port=port, demo=demo, log_level=log_level)
    try:
        playground.start()
    except OSError as err:
        sys.stderr.write(
            f"The playground cannot listen on {LOOPBACK}:{port}: {err.strerror or err}. "
            "Choose another port with --port.\n"
        )
        return 3
    except DomainError as err:
        sys.stderr.write(
            f"Förvaltningsbot cannot start: {err.params.get('origin')}: "
            f"{err.params.get('problem')}\n"
        )
        return 3
    stop = threading.Event()

    def terminate(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, terminate)
    sys.stderr.write(BANNER.format(url=playground.url, demo=DEMO_NOTE if demo else ""))
    sys.stderr.flush()
    try:
        # A bounded wait, so a signal is noticed within half a second whatever the platform.
        while not stop.wait(0.5):
            pass
    finally:
        playground.stop()
        log.info("stopped")
    return 0
