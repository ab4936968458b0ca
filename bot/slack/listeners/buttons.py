"""The buttons the bot renders: one handler each, in `BUTTONS`, keyed by the id the button has.

A click is acked first; Slack hears the answer when the listener returns (process before
response). Whatever a handler refuses or fails on is told to the person where they are (a
modal over the Home tab, else a private message): the rule that refused it, or for a failure
nobody expected, a reference to the logged trace.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

import messages
from bot.domain.activities import ActivityStatus
from bot.domain.voting import Choice
from bot.services import activities, jav, justering, reminders, votes
from bot.services.context import Actor
from bot.services.replays import Replayed
from bot.slack.listeners import payload
from bot.slack.listeners.deps import Deps
from bot.slack.listeners.reply import Ack, failure, notice_modal
from bot.slack.locale import Locales
from messages.ids import ActionId
from messages.message import Message

STATUS = {
    ActionId.MARK_DONE: ActivityStatus.DONE,
    ActionId.MARK_DOING: ActivityStatus.IN_PROGRESS,
    ActionId.MARK_BLOCKED: ActivityStatus.BLOCKED,
    ActionId.MARK_NA: ActivityStatus.NOT_APPLICABLE,
}
CHOICE = {
    ActionId.VOTE_YES: Choice.yes,
    ActionId.VOTE_NO: Choice.no,
    ActionId.VOTE_ABSTAIN: Choice.abstain,
}


@dataclass
class Click:
    """A press of a button we rendered."""

    actor: Actor
    action_id: ActionId
    target: int  # the activity's or the vote's id the button carries
    body: dict[str, Any]
    client: WebClient
    respond: Respond
    locales: Locales

    @cached_property
    def lang(self) -> str:
        """Looked up only when something is shown: a vote click needs no users.info call."""
        return self.locales.language(self.client, self.actor.team_id, self.actor.user_id)

    @property
    def origin(self) -> tuple[str, str] | None:
        return payload.message_origin(self.body)


def set_status(deps: Deps, click: Click) -> None:
    activities.set_status_by_id(deps.services, click.actor, click.target, STATUS[click.action_id])
    changed(deps, click.actor, click.origin, click.target)


def ask_reason(deps: Deps, click: Click) -> None:
    """Blocked and Not applicable take a reason: the dialog asks for it, the change comes on
    submit. trigger_id lives 3 seconds, so the dialog opens here rather than via the outbox."""
    view = messages.reason_modal(click.action_id, click.target, click.lang, origin=click.origin)
    click.client.views_open(trigger_id=click.body["trigger_id"], view=view)


def snooze(deps: Deps, click: Click) -> None:
    reminders.snooze(deps.services, click.actor, click.target)
    changed(deps, click.actor, click.origin, click.target)


def cast_vote(deps: Deps, click: Click) -> None:
    votes.cast(deps.services, click.actor, click.target, CHOICE[click.action_id])
    deps.notify()


def ask_conflict(deps: Deps, click: Click) -> None:
    """Jäv…: the dialog asks the ground and the motivation; the declaration comes on submit."""
    view = messages.jav_modal(click.target, click.lang)
    click.client.views_open(trigger_id=click.body["trigger_id"], view=view)


def ask_referral(deps: Deps, click: Click) -> None:
    """Återremiss…: the dialog asks the chair's motivation; the rules apply on submit."""
    view = messages.refer_back_modal(click.target, click.lang)
    click.client.views_open(trigger_id=click.body["trigger_id"], view=view)


def report_absence(deps: Deps, click: Click) -> None:
    found = jav.report_absence(deps.services, click.actor, vote_id=click.target)
    deps.notify()
    tell(click, messages.absence_recorded(found, click.lang))


def rule_on_jav(deps: Deps, click: Click) -> None:
    """Jävig / Inte jävig in the ruling DM; the DM then says how it was ruled."""
    javig = click.action_id is ActionId.JAV_JAVIG
    step = jav.rule_on(deps.services, click.actor, click.target, javig=javig)
    actor = click.actor
    if click.body.get("container", {}).get("type") == "view":
        activities.request_home(deps.services, actor.team_id, actor.user_id)
    else:
        shown = messages.jav_step(step, click.lang)
        click.respond(replace_original=True, **shown.as_kwargs())
    deps.notify()


def close_vote(deps: Deps, click: Click) -> None:
    votes.close_vote(deps.services, click.actor, vote_id=click.target)
    deps.notify()


def ask_reservation(deps: Deps, click: Click) -> None:
    """The reservation dialog; trigger_id lives 3 seconds, so it opens here, and the rules apply
    on submit."""
    view = messages.reservation_modal(click.target, click.lang)
    click.client.views_open(trigger_id=click.body["trigger_id"], view=view)


def justera(deps: Deps, click: Click) -> None:
    """*Justera* in the justering DM (or on App Home): the receipt says who is still waited for."""
    found = justering.justera(deps.services, click.actor, click.target)
    deps.notify()
    if click.body.get("container", {}).get("type") != "view":
        tell(click, messages.justerat_receipt(found, click.lang))


def ask_change(deps: Deps, click: Click) -> None:
    """*Begär ändring…*: the dialog asks what is wrong; the projektledare hears it on submit."""
    view = messages.change_modal(click.target, click.lang)
    click.client.views_open(trigger_id=click.body["trigger_id"], view=view)


def changed(deps: Deps, actor: Actor, origin: tuple[str, str] | None, activity_id: int) -> None:
    """A change from a reminder DM the bot sent this person redraws that DM; every change
    wakes the sender."""
    if origin:
        reminders.request_update(deps.services, actor, *origin, activity_id)
    deps.notify()


BUTTONS: dict[ActionId, Callable[[Deps, Click], None]] = {
    ActionId.MARK_DONE: set_status,
    ActionId.MARK_DOING: set_status,
    ActionId.MARK_BLOCKED: ask_reason,
    ActionId.MARK_NA: ask_reason,
    ActionId.SNOOZE: snooze,
    ActionId.VOTE_YES: cast_vote,
    ActionId.VOTE_NO: cast_vote,
    ActionId.VOTE_ABSTAIN: cast_vote,
    ActionId.VOTE_CONFLICT: ask_conflict,
    ActionId.VOTE_ABSENT: report_absence,
    ActionId.VOTE_REFER_BACK: ask_referral,
    ActionId.JAV_JAVIG: rule_on_jav,
    ActionId.JAV_NOT_JAVIG: rule_on_jav,
    ActionId.VOTE_CLOSE: close_vote,
    ActionId.RESERVE: ask_reservation,
    ActionId.JUSTERA: justera,
    ActionId.REQUEST_CHANGE: ask_change,
}


def register(app: App, deps: Deps) -> None:
    # One listener for every button, which picks the handler by its id: Bolt tries each
    # listener's matcher in turn, building the matcher's arguments for each, and with one
    # listener per button that was a tenth of a vote click's CPU.
    app.action(ids_of(BUTTONS))(_listener(deps))


def ids_of(ids: Iterable[StrEnum]) -> re.Pattern[str]:
    """A matcher for exactly these ids (Bolt searches a pattern, so it is anchored)."""
    return re.compile(r"\A(?:" + "|".join(re.escape(i.value) for i in ids) + r")\Z")


def tell(click: Click, message: Message) -> None:
    """A refused or failed click is explained where the person is: a modal over Home, else
    a message only they see."""
    if click.body.get("container", {}).get("type") == "view" and click.body.get("trigger_id"):
        click.client.views_open(trigger_id=click.body["trigger_id"], view=notice_modal(message))
    else:
        click.respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())


def _listener(
    deps: Deps,
) -> Callable[[Ack, dict[str, Any], dict[str, Any], WebClient, Respond, BoltContext], None]:
    def listener(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        respond: Respond,
        context: BoltContext,
    ) -> None:
        ack()
        target = payload.row_id(action.get("value"))
        if target is None:
            return  # not a button we rendered: nothing to do, nothing to say
        action_id = ActionId(action["action_id"])
        handler = BUTTONS[action_id]
        click = Click(
            payload.actor(body, context), action_id, target, body, client, respond, deps.locales
        )
        try:
            handler(deps, click)
        except Replayed:
            return  # handled before: the first copy did what the click asks
        except Exception as error:
            tell(click, failure(error, click.lang))

    return listener
