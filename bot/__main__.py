"""The command line, and the one place where the parts are wired together."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from types import FrameType

from slack_bolt import App
from slack_sdk import WebClient

from bot.app import build_app
from bot.config import Settings
from bot.domain.errors import DomainError
from bot.http import wsgi_app
from bot.listeners.locale import Locales
from bot.manifest import manifest
from bot.outbox import OutboxSender
from bot.phases import DEFAULT_PHASE, load_phase
from bot.playground import run as run_playground
from bot.server import HttpServer
from bot.services.context import Services
from storage.db import Database, upgrade

log = logging.getLogger("forvaltningsbot")

CREDENTIALS_HELP = """\
Förvaltningsbot needs Slack credentials to serve: {missing} (not set).
  1. Create the Slack app from the manifest:  forvaltningsbot manifest > manifest.json
     then at https://api.slack.com/apps choose "Create New App" > "From a manifest".
  2. Install it to your workspace and copy the tokens:
     SLACK_BOT_TOKEN (OAuth & Permissions, xoxb-…), SLACK_SIGNING_SECRET (Basic Information),
     and for Socket Mode SLACK_APP_TOKEN (Basic Information > App-Level Tokens, xapp-…,
     scope connections:write).
"""


@dataclass
class Bot:
    """A running bot: database, Bolt app, HTTP server. Tests build one just like `serve` does."""

    settings: Settings
    db: Database
    app: App
    server: HttpServer
    sender: OutboxSender

    @classmethod
    def build(cls, settings: Settings) -> Bot:
        phase = load_phase(DEFAULT_PHASE)
        db = Database.from_url(settings.database_url)
        upgrade(db.engine)
        services = Services(db=db, phases={phase.key: phase}, default_phase=phase.key)
        assert settings.slack_bot_token is not None
        client = WebClient(
            token=settings.slack_bot_token.get_secret_value(), base_url=settings.api_url
        )
        locales = Locales()
        sender = OutboxSender(services, client, locales)
        app = build_app(
            client=client,
            signing_secret=(
                settings.slack_signing_secret.get_secret_value()
                if settings.slack_signing_secret
                else None
            ),
            services=services,
            locales=locales,
            notify=sender.notify,
        )
        server = HttpServer(
            wsgi_app(app, db), host=settings.host, port=settings.port, threads=settings.threads
        )
        return cls(settings=settings, db=db, app=app, server=server, sender=sender)

    def start_background_work(self) -> None:
        self.sender.start()

    def stop(self) -> None:
        self.server.stop()
        self.sender.stop()
        self.db.dispose()


PLAYGROUND_NOTE = """\
No Slack credentials are set (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN), so
Förvaltningsbot starts its local playground: the bot with a fake Slack in your browser.
To connect real Slack: forvaltningsbot manifest > manifest.json, create the app from it at
https://api.slack.com/apps, install it, and set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET
(or SLACK_APP_TOKEN for Socket Mode).
"""


def serve(settings: Settings) -> int:
    if not settings.has_slack_credentials:
        print(PLAYGROUND_NOTE, file=sys.stderr)
        return run_playground(
            Bot.build, port=settings.port, demo=False, log_level=settings.log_level
        )
    missing = settings.missing_credentials()
    if missing:
        print(CREDENTIALS_HELP.format(missing=", ".join(missing)), file=sys.stderr)
        return 2
    try:
        bot = Bot.build(settings)
    except DomainError as err:
        print(
            f"Förvaltningsbot cannot start: {err.params.get('origin')}: "
            f"{err.params.get('problem')}",
            file=sys.stderr,
        )
        return 3

    def terminate(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: stopping", signal.Signals(signum).name)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, terminate)
    bot.start_background_work()
    socket_handler = None
    if settings.socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        assert settings.slack_app_token is not None
        socket_handler = SocketModeHandler(bot.app, settings.slack_app_token.get_secret_value())
        socket_handler.connect()  # type: ignore[no-untyped-call]
        log.info("Socket Mode connected; health check on port %s", bot.server.port)
    else:
        log.info("listening on %s (Slack requests at /slack/events)", bot.server.url)
    try:
        bot.server.serve_forever()
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        if socket_handler is not None:
            socket_handler.close()  # type: ignore[no-untyped-call]
        bot.stop()
        log.info("stopped")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="forvaltningsbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the bot (Socket Mode if SLACK_APP_TOKEN is set)")
    manifest_parser = commands.add_parser("manifest", help="print the Slack app manifest (JSON)")
    manifest_parser.add_argument(
        "--request-url",
        help="public base URL for HTTP mode, e.g. https://bot.kommun.se (default: Socket Mode)",
    )
    playground = commands.add_parser(
        "playground",
        help="the bot with a fake Slack in the browser, on 127.0.0.1 (no Slack needed)",
    )
    playground.add_argument("--demo", action="store_true", help="seed a project half-way through")
    playground.add_argument(
        "--port", type=int, default=None, help="port of the page (default: PORT, else 3000)"
    )
    args = parser.parse_args(argv)
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    if args.command == "manifest":
        print(json.dumps(manifest(request_url=args.request_url), indent=2, ensure_ascii=False))
        return 0
    if args.command == "playground":
        port = settings.port if args.port is None else args.port
        return run_playground(Bot.build, port=port, demo=args.demo, log_level=settings.log_level)
    return serve(settings)


if __name__ == "__main__":
    sys.exit(main())
