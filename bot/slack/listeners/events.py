"""The Events API: the events the bot listens to, each processed once whatever Slack redelivers.

Slack redelivers an event (with X-Slack-Retry-Num) when it did not see our answer in time. The
first delivery records the event_id in the database (shared by every replica) before its
handler runs; a redelivery finds it there and is answered 200 without processing. If a
listener fails, the id is forgotten again so that Slack's retry gets a second chance: an event
has no person to tell, so its failure goes to the app's error handler, which calls
`forget_failed`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

import messages
from bot.services import activities, decisions, delivery, events
from bot.services.context import Services
from bot.slack.lifecycle import Revocation
from bot.slack.listeners.deps import Deps
from bot.slack.listeners.reply import Ack

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Happened:
    """An event as its handler reads it."""

    event: dict[str, Any]
    # The workspace as Bolt resolved it (authorizations first, so in a Slack Connect channel
    # the one the app is installed in); the envelope's on an org-wide install, which has none.
    team_id: str
    bot_user_id: str | None
    context: BoltContext
    client: WebClient


def bot_joined(deps: Deps, happened: Happened) -> None:
    """Someone joined a channel; if it is the bot, what could not be posted there goes again."""
    user = happened.event.get("user")
    the_bot = bool(user) and user == happened.bot_user_id
    if the_bot and decisions.bot_invited(
        deps.services, happened.team_id, str(happened.event.get("channel"))
    ):
        deps.notify()


def home_opened(deps: Deps, happened: Happened) -> None:
    """The Home tab was opened: it is drawn afresh (by the sender)."""
    if happened.event.get("tab", "home") != "home":
        return
    activities.request_home(deps.services, happened.team_id, happened.event["user"])
    deps.notify()


def direct_message(deps: Deps, happened: Happened) -> None:
    """Someone wrote to the bot in its Messages tab: it answers with the help, once per
    message (the middleware below), never to itself, another bot or an edit."""
    event = happened.event
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return
    user = event.get("user")
    if not user or user == happened.bot_user_id:
        return
    lang = deps.locales.language(happened.client, happened.team_id, str(user))
    help_text = messages.help_message(lang)
    happened.client.chat_postMessage(channel=str(event["channel"]), **help_text.as_kwargs())


def uninstalled(deps: Deps, happened: Happened) -> None:
    """The app was removed from a workspace (or org): its installation goes, and so does
    what was waiting to be sent there. The projects and their records stay."""
    _let_go(deps, happened, Revocation.uninstall())


def tokens_revoked(deps: Deps, happened: Happened) -> None:
    """Tokens were revoked: only those go; if the bot's was one, nothing more can be sent."""
    _let_go(deps, happened, Revocation.of_tokens(happened.event))


def _let_go(deps: Deps, happened: Happened, revocation: Revocation) -> None:
    others = deps.installations.revoke(happened.context, revocation)
    if not revocation.bot:
        return
    for team_id in dict.fromkeys([happened.team_id, *others]):
        if team_id:
            delivery.fail_pending_of_team(deps.services, team_id, revocation.reason)


EVENTS: dict[str, Callable[[Deps, Happened], None]] = {
    "member_joined_channel": bot_joined,
    "app_home_opened": home_opened,
    "message": direct_message,
    "app_uninstalled": uninstalled,
    "tokens_revoked": tokens_revoked,
}


def register(app: App, deps: Deps) -> None:
    for name, handler in EVENTS.items():
        app.event(name)(_listener(deps, handler))


def forget_failed(services: Services, body: dict[str, Any]) -> None:
    """A listener failed on this request; if it was an event, Slack's retry may run it again."""
    event_id = _event_id(body)
    if event_id is not None:
        events.forget(services, event_id)


def _listener(
    deps: Deps, handler: Callable[[Deps, Happened], None]
) -> Callable[[Ack, dict[str, Any], dict[str, Any], BoltContext, WebClient], None]:
    def listener(
        ack: Ack,
        event: dict[str, Any],
        body: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        ack()
        # Here, not in a middleware of the app's: Bolt runs a middleware for every request,
        # each click and command too, building its arguments each time.
        event_id = _event_id(body)
        if event_id is not None and not events.first_delivery(
            deps.services, event_id, str(body.get("team_id") or "")
        ):
            log.info("event %s was processed before; this redelivery is not", event_id)
            return
        team_id = str(context.team_id or body.get("team_id") or "")
        handler(deps, Happened(event, team_id, context.bot_user_id, context, client))

    return listener


def _event_id(body: dict[str, Any]) -> str | None:
    if body.get("type") != "event_callback":
        return None
    event_id = body.get("event_id")
    return event_id if isinstance(event_id, str) and 0 < len(event_id) <= 64 else None
