"""The floor the bot's latency and memory are measured against: a Bolt app that only acks.

Same Bolt settings as `bot.slack.app.build_app` (process_before_response, a WebClient on
SLACK_API_URL), same HttpServer with the same settings read the same way (`Settings`), same
path; nothing else. Run as `python -m benchmarks.bare`; SIGTERM stops it.
"""

from __future__ import annotations

import logging
import re
import signal
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.config import Settings
from bot.http import EVENTS_PATH
from bot.server import HttpServer

ANYTHING = re.compile(".*")


def bare_app(settings: Settings, *, listeners: bool = True) -> App:
    assert settings.slack_bot_token is not None
    assert settings.slack_signing_secret is not None
    app = App(
        client=WebClient(
            token=settings.slack_bot_token.get_secret_value(), base_url=settings.api_url
        ),
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        process_before_response=True,
        logger=logging.getLogger("slack_bolt"),
    )
    if not listeners:  # the transactional floor (benchmarks.floor) adds its own
        return app

    def just_ack(ack: Any) -> None:
        ack()

    # Every surface the bot answers (commands, buttons, modals), so a new surface of the
    # benchmark (a vote click) has its floor here already.
    app.command(ANYTHING)(just_ack)
    app.action(ANYTHING)(just_ack)
    app.view(ANYTHING)(just_ack)
    return app


def serve(build: Callable[[Settings], App]) -> int:
    """Serve the app `build` makes as the bot's server does, until SIGTERM."""
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    server = HttpServer(
        SlackRequestHandler(build(settings), path=EVENTS_PATH),
        host=settings.host,
        port=settings.port,
        threads=settings.threads,
    )

    def terminate(_signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, terminate)
    try:
        server.serve_forever()
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(serve(bare_app))
