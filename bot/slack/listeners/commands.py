"""The slash command: parse the text, run one use case, answer.

One small function per command, found in `ROUTES` by the command's type; the grammar is
`bot.commands`, read in Slack's dialect.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from slack_bolt import App
from slack_sdk import WebClient

import messages
from bot.commands import (
    CloseVote,
    Command,
    DeclareConflict,
    Help,
    LinkDocument,
    MarkBlocked,
    MarkDoing,
    MarkDone,
    MarkNotApplicable,
    Milestone,
    Mine,
    Minutes,
    NewProject,
    Remind,
    SetChair,
    SetChannels,
    SetDue,
    SetOwner,
    SetSchedule,
    SetSteering,
    SetVoteChannel,
    Status,
)
from bot.domain.activities import ActivityStatus
from bot.domain.changes import Change
from bot.services import activities, decisions, projects, reminders, votes
from bot.services.context import Actor
from bot.services.directory import Directory
from bot.slack.dialect import parse
from bot.slack.directory import SlackDirectory
from bot.slack.listeners.deps import Deps
from bot.slack.listeners.reply import Ack, answer, ephemeral, in_channel

COMMAND = "/forvaltning"

Reply = dict[str, Any]
C = TypeVar("C", bound=Command)
Mark = MarkDone | MarkDoing | MarkBlocked | MarkNotApplicable

STATUS_OF: dict[type[Mark], ActivityStatus] = {
    MarkDone: ActivityStatus.DONE,
    MarkDoing: ActivityStatus.IN_PROGRESS,
    MarkBlocked: ActivityStatus.BLOCKED,
    MarkNotApplicable: ActivityStatus.NOT_APPLICABLE,
}


@dataclass(frozen=True)
class Asked:
    """Who asked, in which channel, the language to answer in, and who is in which channel."""

    actor: Actor
    channel: str
    lang: str
    directory: Directory


def show_help(deps: Deps, asked: Asked, command: Help) -> Reply:
    return ephemeral(messages.help_message(asked.lang))


def new_project(deps: Deps, asked: Asked, command: NewProject) -> Reply:
    view = projects.create_project(deps.services, asked.actor, asked.channel, command.name)
    return in_channel(messages.project_created(view, asked.lang))


def status(deps: Deps, asked: Asked, command: Status) -> Reply:
    view = projects.project_status(deps.services, asked.actor.team_id, asked.channel)
    return ephemeral(messages.status(view, asked.lang))


def mine(deps: Deps, asked: Asked, command: Mine) -> Reply:
    found = activities.my_activities(deps.services, asked.actor.team_id, asked.actor.user_id)
    return ephemeral(messages.mine(found, asked.lang))


def set_owner(deps: Deps, asked: Asked, command: SetOwner) -> Reply:
    change = activities.set_owner(
        deps.services, asked.actor, asked.channel, command.activity, command.user_id
    )
    return _confirm(deps, asked, change)


def set_due(deps: Deps, asked: Asked, command: SetDue) -> Reply:
    change = activities.set_due(
        deps.services, asked.actor, asked.channel, command.activity, command.due
    )
    return _confirm(deps, asked, change)


def mark(deps: Deps, asked: Asked, command: Mark) -> Reply:
    note = (
        command.reason if isinstance(command, MarkBlocked | MarkNotApplicable) else command.comment
    )
    target = STATUS_OF[type(command)]
    change = activities.set_status(
        deps.services, asked.actor, asked.channel, command.activity, target, note
    )
    return _confirm(deps, asked, change)


def link_document(deps: Deps, asked: Asked, command: LinkDocument) -> Reply:
    change = activities.link_document(
        deps.services, asked.actor, asked.channel, command.document, command.url
    )
    return _confirm(deps, asked, change)


def set_steering(deps: Deps, asked: Asked, command: SetSteering) -> Reply:
    change = projects.set_steering(deps.services, asked.actor, asked.channel, command.user_ids)
    return _confirm(deps, asked, change)


def set_chair(deps: Deps, asked: Asked, command: SetChair) -> Reply:
    change = projects.set_chair(deps.services, asked.actor, asked.channel, command.user_id)
    return _confirm(deps, asked, change)


def set_vote_channel(deps: Deps, asked: Asked, command: SetVoteChannel) -> Reply:
    change = projects.set_vote_channel(
        deps.services, asked.actor, asked.channel, command.channel_id, asked.directory
    )
    return _confirm(deps, asked, change)


def set_channels(deps: Deps, asked: Asked, command: SetChannels) -> Reply:
    change = projects.set_channels(
        deps.services, asked.actor, asked.channel, command.channel_ids, asked.directory
    )
    return _confirm(deps, asked, change)


def set_schedule(deps: Deps, asked: Asked, command: SetSchedule) -> Reply:
    change = reminders.set_schedule(deps.services, asked.actor, asked.channel, command.when)
    return ephemeral(messages.schedule_set(change, asked.lang))


def remind(deps: Deps, asked: Asked, command: Remind) -> Reply:
    count = reminders.remind_now(deps.services, asked.actor, asked.channel)
    deps.notify()
    return ephemeral(messages.reminders_sent(count, asked.lang))


def open_milestone(deps: Deps, asked: Asked, command: Milestone) -> Reply:
    deadline = command.deadline
    local = (deadline.day, deadline.at) if deadline else None
    result = votes.open_milestone(deps.services, asked.actor, asked.channel, local)
    if isinstance(result, votes.NotReady):
        return ephemeral(messages.milestone_not_ready(result.project, asked.lang))
    deps.notify()
    return in_channel(messages.vote_opened(result.vote, asked.lang))


def declare_conflict(deps: Deps, asked: Asked, command: DeclareConflict) -> Reply:
    ballot = votes.declare_conflict(deps.services, asked.actor, channel_id=asked.channel)
    deps.notify()
    receipt = messages.vote_receipt(
        ballot.vote, ballot.choice, ballot.changed, ballot.closed_now, asked.lang
    )
    return ephemeral(receipt)


def close_vote(deps: Deps, asked: Asked, command: CloseVote) -> Reply:
    closed = votes.close_vote(deps.services, asked.actor, channel_id=asked.channel)
    deps.notify()
    return ephemeral(messages.vote_closed(closed, asked.lang))


def minutes(deps: Deps, asked: Asked, command: Minutes) -> Reply:
    found = decisions.minutes(deps.services, asked.actor, asked.channel)
    shown = messages.minutes(found.record, found.reservations, found.failed_channels, asked.lang)
    return ephemeral(shown)


def _confirm(deps: Deps, asked: Asked, change: Change) -> Reply:
    deps.notify()
    return ephemeral(messages.change_confirmed(change, asked.lang))


Handler = Callable[[Deps, Asked, Any], Reply]


def _route(kind: type[C], handler: Callable[[Deps, Asked, C], Reply]) -> tuple[type, Handler]:
    """One row of the table; mypy checks that the handler takes that kind of command."""
    return kind, handler


ROUTES: dict[type, Handler] = dict(
    [
        _route(Help, show_help),
        _route(NewProject, new_project),
        _route(Status, status),
        _route(Mine, mine),
        _route(SetOwner, set_owner),
        _route(SetDue, set_due),
        _route(MarkDone, mark),
        _route(MarkDoing, mark),
        _route(MarkBlocked, mark),
        _route(MarkNotApplicable, mark),
        _route(LinkDocument, link_document),
        _route(SetSteering, set_steering),
        _route(SetChair, set_chair),
        _route(SetVoteChannel, set_vote_channel),
        _route(SetChannels, set_channels),
        _route(SetSchedule, set_schedule),
        _route(Remind, remind),
        _route(Milestone, open_milestone),
        _route(DeclareConflict, declare_conflict),
        _route(CloseVote, close_vote),
        _route(Minutes, minutes),
    ]
)


def run(deps: Deps, asked: Asked, text: str) -> Reply:
    """Parse the text and run its command; raises what the grammar or the use case raises."""
    command = parse(text)
    return ROUTES[type(command)](deps, asked, command)


def register(app: App, deps: Deps) -> None:
    @app.command(COMMAND)
    def forvaltning(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        actor = Actor(team_id=command["team_id"], user_id=command["user_id"])
        lang = deps.locales.language(client, actor.team_id, actor.user_id)
        asked = Asked(
            actor=actor,
            channel=command["channel_id"],
            lang=lang,
            directory=SlackDirectory(client),
        )
        answer(ack, lang, lambda: run(deps, asked, command.get("text") or ""))
