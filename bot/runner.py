"""Running a built bot until it is told to stop: SIGTERM or Ctrl-C, HTTP or Socket Mode; and
the sender's process (`forvaltningsbot send`) until it is told to, or its parent is gone."""

from __future__ import annotations

import logging
import os
import signal
import threading
from types import FrameType
from typing import TYPE_CHECKING

from bot.supervisor import SenderProcess
from bot.wiring import Bot, SenderBot

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

log = logging.getLogger("forvaltningsbot")


def _terminate(signum: int, _frame: FrameType | None) -> None:
    log.info("signal %s: stopping", signal.Signals(signum).name)
    # Once: a second signal must not cut short the stop the first one began.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise SystemExit(0)


def run(bot: Bot, sender: SenderProcess | None = None) -> None:
    """Serve until SIGTERM or Ctrl-C, then stop everything the bot started; with `sender`
    (SENDER=process), the sender's process is started first and stopped last."""
    signal.signal(signal.SIGTERM, _terminate)
    bot.start_background_work()
    if sender is not None:
        sender.start()
    elif bot.wakeups is not None:
        log.info("SENDER=external: `forvaltningsbot send`, run apart, delivers; woken by NOTIFY")
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
        if sender is not None:
            sender.stop()
        log.info("stopped")


def run_sender(bot: SenderBot, *, parent_fd: int | None = None) -> None:
    """Deliver and tick until SIGTERM or Ctrl-C, or until the process that started this one
    is gone (`parent_fd`: the read end of a pipe only the parent writes to, EOF once it died)."""
    orphaned = threading.Event()
    if parent_fd is not None:

        def watch() -> None:
            while os.read(parent_fd, 1):  # the parent never writes: only its end is awaited
                pass
            log.warning("the process that started this sender is gone: stopping")
            orphaned.set()

        threading.Thread(target=watch, name="parent", daemon=True).start()
    signal.signal(signal.SIGTERM, _terminate)
    bot.start()
    where = f"; health check and metrics on {bot.server.url}" if bot.server else ""
    log.info("sender: delivering the outbox and ticking, woken by NOTIFY%s", where)
    try:
        while not orphaned.wait(1.0):
            pass
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        bot.stop()
        log.info("sender stopped")


def _connect_socket_mode(bot: Bot) -> SocketModeHandler:
    """Slack's events over a WebSocket; the HTTP server then only answers the health check."""
    # Loaded only in Socket Mode: its client library is not needed otherwise.
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    assert bot.settings.slack_app_token is not None
    handler = SocketModeHandler(bot.app, bot.settings.slack_app_token.get_secret_value())
    handler.connect()  # type: ignore[no-untyped-call]
    log.info("Socket Mode connected; health check on port %s", bot.server.port)
    return handler
