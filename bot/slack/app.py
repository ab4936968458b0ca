"""build_app: the Bolt app with its listeners, and nothing at import time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext
from slack_bolt.authorization.authorize import Authorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient

from bot.services.context import Services
from bot.slack import failure
from bot.slack.lifecycle import Installations
from bot.slack.listeners import buttons, commands, dialogs, events
from bot.slack.listeners.deps import Deps
from bot.slack.locale import Locales

log = logging.getLogger(__name__)


def build_app(
    *,
    client: WebClient,
    signing_secret: str | None,
    services: Services,
    locales: Locales,
    notify: Callable[[], None],
    installations: Installations,
    oauth_settings: OAuthSettings | None = None,
    authorize: Authorize | None = None,
) -> App:
    """The client carries the token and SLACK_API_URL; Bolt copies its base URL per request.

    With `oauth_settings` (several workspaces) the client has no token: Bolt gives it to the
    OAuth flow, and each request's client gets the token `authorize` found for its workspace.
    """
    app = App(
        client=client,
        signing_secret=signing_secret,
        oauth_settings=oauth_settings,
        # Bolt accepts an Authorize instance here (it checks isinstance), though its hint
        # only names plain callables returning AuthorizeResult.
        authorize=authorize,  # type: ignore[arg-type]
        # Our listeners do their work (one short transaction) before they ack, so the reply is
        # the HTTP response itself: no 10 ms ack poll, no response_url round-trip.
        process_before_response=True,
        logger=logging.getLogger("slack_bolt"),
    )
    deps = Deps(services=services, locales=locales, notify=notify, installations=installations)
    # Bolt tries the listeners in this order: the commonest requests (a command, a click)
    # meet their listener first.
    for surface in (commands, buttons, dialogs, events):
        surface.register(app, deps)

    @app.error
    def unhandled(error: Exception, body: dict[str, Any], context: BoltContext) -> Any:
        events.forget_failed(services, body)
        return failure.answer(error, body, context, locales)

    return app
