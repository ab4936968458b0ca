"""The dialogs the bot opens: one handler each, in `DIALOGS`, keyed by the dialog's callback id.

A refusal keeps the dialog open with the reason under its field, so the person can put it
right; a failure nobody expected replaces the dialog with the message and a reference to the
logged trace. Either way nothing was saved.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.domain.errors import DomainError
from bot.domain.jav import JavGround
from bot.domain.text import written
from bot.services import activities, decisions, jav, justering, votes
from bot.services.context import Actor
from bot.services.replays import Replayed
from bot.slack.listeners import payload
from bot.slack.listeners.buttons import STATUS, changed, ids_of
from bot.slack.listeners.deps import Deps
from bot.slack.listeners.reply import Ack, failure, notice_modal
from messages.ids import ActionId, BlockId, CallbackId


@dataclass(frozen=True)
class Dialog:
    """A submitted dialog: who sent it, what we put in it, what they wrote."""

    actor: Actor
    metadata: dict[str, Any]
    reason: str
    choice: str | None = None  # the option picked in a select (the jäv dialog's ground)

    def origin(self) -> tuple[str, str] | None:
        """The reminder DM the dialog was opened from, as its metadata claims: checked against
        the bot's records before anything is redrawn."""
        found = self.metadata.get("origin")
        if not isinstance(found, dict):
            return None
        return payload.message_origin({"container": {"type": "message", **found}})

    def number(self, key: str) -> int | None:
        try:
            return int(self.metadata[key])
        except (KeyError, TypeError, ValueError):
            return None


def reason_given(deps: Deps, dialog: Dialog) -> None:
    """Blocked or Not applicable, with the reason the dialog asked for."""
    action = dialog.metadata.get("action")
    activity_id = dialog.number("activity")
    if not isinstance(action, str) or action not in STATUS or activity_id is None:
        return  # not a dialog we opened
    target = STATUS[ActionId(action)]
    activities.set_status_by_id(deps.services, dialog.actor, activity_id, target, dialog.reason)
    changed(deps, dialog.actor, dialog.origin(), activity_id)


def reservation_given(deps: Deps, dialog: Dialog) -> None:
    """A member's reservation against the decision, for the minutes."""
    vote_id = dialog.number("vote")
    if vote_id is None:
        return  # not a dialog we opened
    decisions.add_reservation(deps.services, dialog.actor, vote_id, dialog.reason)
    deps.notify()


def conflict_given(deps: Deps, dialog: Dialog) -> None:
    """Jäv… submitted: the member's own jäv, with the ground and motivation they gave."""
    vote_id = dialog.number("vote")
    if vote_id is None:
        return  # not a dialog we opened
    ground = JavGround(dialog.choice) if dialog.choice in set(JavGround) else None
    jav.declare(deps.services, dialog.actor, ground, dialog.reason, vote_id=vote_id)
    deps.notify()


def referral_given(deps: Deps, dialog: Dialog) -> None:
    """Återremiss… submitted: the vote ends without a decision."""
    vote_id = dialog.number("vote")
    if vote_id is None:
        return  # not a dialog we opened
    votes.refer_back(deps.services, dialog.actor, dialog.reason, vote_id=vote_id)
    deps.notify()


def change_requested(deps: Deps, dialog: Dialog) -> None:
    """Begär ändring… submitted: the projektledare is told what to correct."""
    vote_id = dialog.number("vote")
    if vote_id is None:
        return  # not a dialog we opened
    justering.request_change(deps.services, dialog.actor, vote_id, dialog.reason)
    deps.notify()


DIALOGS: dict[CallbackId, Callable[[Deps, Dialog], None]] = {
    CallbackId.REASON: reason_given,
    CallbackId.RESERVATION: reservation_given,
    CallbackId.JAV: conflict_given,
    CallbackId.REFER_BACK: referral_given,
    CallbackId.CHANGE_REQUEST: change_requested,
}


def register(app: App, deps: Deps) -> None:
    # One listener for every dialog, as for the buttons (bot/slack/listeners/buttons.py).
    app.view(ids_of(DIALOGS))(_listener(deps))


def _listener(
    deps: Deps,
) -> Callable[[Ack, dict[str, Any], dict[str, Any], WebClient, BoltContext], None]:
    def listener(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        actor = payload.actor(body, context)
        handler = DIALOGS[CallbackId(view["callback_id"])]
        try:
            # What was typed gets the same cleaning and limit as a command's text; a refusal
            # of it (too long) keeps the dialog open like any other.
            reason = written(payload.reason(view))
            dialog = Dialog(actor, payload.metadata(view), reason, payload.choice(view))
            handler(deps, dialog)
        except Replayed:
            pass  # handled before: the first copy closed the dialog too
        except Exception as error:
            lang = deps.locales.language(client, actor.team_id, actor.user_id)
            ack(**_refusal(error, lang))
            return
        ack()

    return listener


def _refusal(error: Exception, lang: str) -> dict[str, Any]:
    message = failure(error, lang)
    if not isinstance(error, DomainError):
        return {"response_action": "update", "view": notice_modal(message)}
    # Slack shows a field's error as plain text, so the mrkdwn escapes (&lt;) are undone.
    text = html.unescape(message.text)
    return {"response_action": "errors", "errors": {BlockId.REASON.value: text[:150]}}
