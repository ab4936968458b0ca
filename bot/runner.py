"""Running a built bot until it is told to stop: SIGTERM or Ctrl-C, HTTP or Socket Mode."""

from __future__ import annotations

import logging
import signal
from types import FrameType
from typing import TYPE_CHECKING

from bot.wiring import Bot

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

log = logging.getLogger("forvaltningsbot")


def run(bot: Bot) -> None:
    """Serve until SIGTERM or Ctrl-C, then stop everything the bot started."""

    def terminate(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: stopping", signal.Signals(signum).name)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, terminate)
    bot.start_background_work()
    socket_handler = _connect_socket_mode(bot) if bot.settings.socket_mode else None
    if bot.matrix is not None:
        log.info("Matrix: syncing as %s with %s", bot.matrix.user_id, bot.matrix.homeserver)
    if socket_handler is None and bot.settings.has_slack_credentials:
        log.info("listening on %s (Slack requests at /slack/events)", bot.server.url)
    elif socket_handler is None:
        log.info("health check and metrics on %s", bot.server.url)
    if bot.settings.oauth_mode:
        log.info("several workspaces: install at %s/slack/install", bot.server.url)
    try:
        bot.server.serve_forever()
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        if socket_handler is not None:
            socket_handler.close()  # type: ignore[no-untyped-call]
        bot.stop()
        log.info("stopped")


def _connect_socket_mode(bot: Bot) -> SocketModeHandler:
    """Slack's events over a WebSocket; the HTTP server then only answers the health check."""
    # Loaded only in Socket Mode: its client library is not needed otherwise.
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    assert bot.settings.slack_app_token is not None
    handler = SocketModeHandler(bot.app, bot.settings.slack_app_token.get_secret_value())
    handler.connect()  # type: ignore[no-untyped-call]
    log.info("Socket Mode connected; health check on port %s", bot.server.port)
    return handler
