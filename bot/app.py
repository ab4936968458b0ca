"""build_app: the Bolt app with its listeners, and nothing at import time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.listeners import commands, events, interactions
from bot.listeners.locale import Locales
from bot.services.context import Services

log = logging.getLogger(__name__)


def build_app(
    *,
    client: WebClient,
    signing_secret: str | None,
    services: Services,
    locales: Locales,
    notify: Callable[[], None],
) -> App:
    """The client carries the token and SLACK_API_URL; Bolt copies its base URL per request."""
    app = App(
        client=client,
        signing_secret=signing_secret,
        # Our listeners do their work (one short transaction) before they ack, so the reply is
        # the HTTP response itself: no 10 ms ack poll, no response_url round-trip.
        process_before_response=True,
        logger=logging.getLogger("slack_bolt"),
    )
    forget_event = events.register(app, services)
    commands.register(app, services, locales, notify)
    interactions.register(app, services, locales, notify)

    @app.error
    def unhandled(error: Exception, body: dict[str, Any]) -> None:
        log.exception("unhandled error in a listener (type=%s)", body.get("type"), exc_info=error)
        forget_event(body)

    return app
