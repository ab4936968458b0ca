"""Buttons, the reason modal, and the Home tab event."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

import messages
from bot.domain.activities import ActivityStatus
from bot.domain.errors import DomainError
from bot.domain.voting import Choice
from bot.services import activities, decisions, reminders, votes
from bot.services.context import Actor, Services
from bot.slack.listeners.reply import Ack
from bot.slack.locale import Locales
from messages.ids import ActionId, BlockId, CallbackId

STATUS = {
    ActionId.MARK_DONE: ActivityStatus.DONE,
    ActionId.MARK_DOING: ActivityStatus.IN_PROGRESS,
    ActionId.MARK_BLOCKED: ActivityStatus.BLOCKED,
    ActionId.MARK_NA: ActivityStatus.NOT_APPLICABLE,
}
NEEDS_REASON = (ActionId.MARK_BLOCKED, ActionId.MARK_NA)
CHOICE = {
    ActionId.VOTE_YES: Choice.yes,
    ActionId.VOTE_NO: Choice.no,
    ActionId.VOTE_ABSTAIN: Choice.abstain,
}
VOTE_ACTIONS = (*CHOICE, ActionId.VOTE_CONFLICT, ActionId.VOTE_CLOSE)


def _actor(body: dict[str, Any]) -> Actor:
    team = body.get("team") or {}
    return Actor(team_id=team.get("id") or body["user"]["team_id"], user_id=body["user"]["id"])


def _button_id(value: object) -> int | None:
    """The id a button we rendered carries in its value (an activity's or a vote's)."""
    return int(value) if isinstance(value, str) and re.fullmatch(r"[0-9]{1,12}", value) else None


_REMINDER_ITEM = re.compile(rf"{BlockId.REMINDER}:([0-9]{{1,12}})")


def _reminder_origin(body: dict[str, Any]) -> dict[str, Any] | None:
    """The reminder DM a click came from: its channel, ts and listed activities; else None."""
    container = body.get("container") or {}
    if container.get("type") != "message" or not container.get("message_ts"):
        return None
    blocks = (body.get("message") or {}).get("blocks") or []
    matches = (_REMINDER_ITEM.fullmatch(str(b.get("block_id", ""))) for b in blocks)
    ids = [int(m[1]) for m in matches if m]
    if not ids:
        return None
    return {"channel": container["channel_id"], "ts": container["message_ts"], "activities": ids}


def _reason(view: dict[str, Any]) -> str:
    """The text typed in a dialog's reason field (the reason and the reservation dialogs)."""
    value = (
        view["state"]["values"]
        .get(BlockId.REASON.value, {})
        .get(ActionId.REASON_TEXT.value, {})
        .get("value")
    )
    return (value or "").strip()


def _refuse_in_dialog(ack: Ack, err: DomainError, lang: str) -> None:
    """The dialog stays open with the reason under its field; nothing was saved.

    Slack shows a dialog's error as plain text, so the mrkdwn escapes (&lt;) are undone.
    """
    text = html.unescape(messages.error_message(err, lang).text)
    ack(response_action="errors", errors={BlockId.REASON.value: text[:150]})


def register(app: App, services: Services, locales: Locales, notify: Callable[[], None]) -> None:
    def tell(
        client: WebClient, body: dict[str, Any], respond: Any, lang: str, err: DomainError
    ) -> None:
        """A refused click is explained where the person is: a modal over Home, else privately."""
        message = messages.error_message(err, lang)
        if body.get("container", {}).get("type") == "view" and body.get("trigger_id"):
            client.views_open(
                trigger_id=body["trigger_id"],
                view={
                    "type": "modal",
                    "title": {"type": "plain_text", "text": "Förvaltningsbot"},
                    "blocks": message.blocks,
                },
            )
        else:
            respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())

    @app.action(re.compile("^(" + "|".join(a.value for a in STATUS) + ")$"))
    def status_button(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Any
    ) -> None:
        actor = _actor(body)
        lang = locales.language(client, actor.team_id, actor.user_id)
        action_id = ActionId(action["action_id"])
        activity_id = _button_id(action.get("value"))
        ack()
        if activity_id is None:
            return  # not a button we rendered: nothing to do, nothing to say
        origin = _reminder_origin(body)
        if action_id in NEEDS_REASON:
            # trigger_id lives 3 seconds, so the modal opens here rather than via the outbox.
            client.views_open(
                trigger_id=body["trigger_id"],
                view=messages.reason_modal(action_id, activity_id, lang, origin=origin),
            )
            return
        try:
            activities.set_status_by_id(services, actor, activity_id, STATUS[action_id])
        except DomainError as err:
            tell(client, body, respond, lang, err)
            return
        updated(actor, origin)

    def updated(actor: Actor, origin: dict[str, Any] | None) -> None:
        """A change from a reminder DM redraws that DM; every change wakes the sender."""
        if origin:
            reminders.request_update(
                services, actor, origin["channel"], origin["ts"], origin["activities"]
            )
        notify()

    @app.action(ActionId.SNOOZE.value)
    def snooze_button(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Any
    ) -> None:
        actor = _actor(body)
        activity_id = _button_id(action.get("value"))
        ack()
        if activity_id is None:
            return
        try:
            reminders.snooze(services, actor, activity_id)
        except DomainError as err:
            lang = locales.language(client, actor.team_id, actor.user_id)
            tell(client, body, respond, lang, err)
            return
        updated(actor, _reminder_origin(body))

    @app.action(re.compile("^(" + "|".join(a.value for a in VOTE_ACTIONS) + ")$"))
    def vote_button(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Any
    ) -> None:
        actor = _actor(body)
        vote_id = _button_id(action.get("value"))
        ack()
        if vote_id is None:
            return
        action_id = ActionId(action["action_id"])
        try:
            if action_id is ActionId.VOTE_CONFLICT:
                votes.declare_conflict(services, actor, vote_id=vote_id)
            elif action_id is ActionId.VOTE_CLOSE:
                votes.close_vote(services, actor, vote_id=vote_id)
            else:
                votes.cast(services, actor, vote_id, CHOICE[action_id])
        except DomainError as err:
            # The private "why not": a non-member, a member with jäv, a vote already closed.
            tell(client, body, respond, locales.language(client, actor.team_id, actor.user_id), err)
            return
        notify()

    @app.action(ActionId.RESERVE.value)
    def reservation_button(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
    ) -> None:
        actor = _actor(body)
        vote_id = _button_id(action.get("value"))
        ack()
        if vote_id is None:
            return
        lang = locales.language(client, actor.team_id, actor.user_id)
        # trigger_id lives 3 seconds, so the dialog opens here; the rules apply on submit.
        client.views_open(
            trigger_id=body["trigger_id"], view=messages.reservation_modal(vote_id, lang)
        )

    @app.view(CallbackId.RESERVATION.value)
    def reservation_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        actor = _actor(body)
        lang = locales.language(client, actor.team_id, actor.user_id)
        try:
            vote_id = int(json.loads(view.get("private_metadata") or "{}")["vote"])
        except (ValueError, KeyError, TypeError):
            ack()
            return
        try:
            decisions.add_reservation(services, actor, vote_id, _reason(view))
        except DomainError as err:
            _refuse_in_dialog(ack, err, lang)
            return
        ack()
        notify()

    @app.event("member_joined_channel")
    def joined(ack: Ack, event: dict[str, Any], context: dict[str, Any]) -> None:
        ack()
        bot_joined = event.get("user") and event.get("user") == context.get("bot_user_id")
        if bot_joined and decisions.bot_invited(services, str(event.get("channel"))):
            notify()

    @app.view(CallbackId.REASON.value)
    def reason_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        actor = _actor(body)
        lang = locales.language(client, actor.team_id, actor.user_id)
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
            action_id = ActionId(meta["action"])
            activity_id = int(meta["activity"])
            origin = meta.get("origin")
        except (ValueError, KeyError, TypeError):
            ack()
            return
        reason = _reason(view)
        try:
            activities.set_status_by_id(services, actor, activity_id, STATUS[action_id], reason)
        except DomainError as err:
            _refuse_in_dialog(ack, err, lang)
            return
        ack()
        updated(actor, origin if isinstance(origin, dict) else None)

    @app.event("app_home_opened")
    def home_opened(ack: Ack, event: dict[str, Any], body: dict[str, Any]) -> None:
        ack()
        if event.get("tab", "home") != "home":
            return
        activities.request_home(services, body["team_id"], event["user"])
        notify()
