"""The phase's work, asked for in a command: the project, its activities, documents, the
steering group's seats and channels, the reminders and the milestone. One small function per
command, each one use case and its answer."""

from __future__ import annotations

import messages
from bot.commands import (
    Help,
    LinkDocument,
    MarkBlocked,
    MarkDoing,
    MarkDone,
    MarkNotApplicable,
    Milestone,
    Mine,
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
from bot.conversation.answer import Answer, Asked, shared
from bot.domain.activities import ActivityStatus
from bot.domain.changes import Change
from bot.domain.platform import platform_of
from bot.services import activities, projects, reminders, votes

Mark = MarkDone | MarkDoing | MarkBlocked | MarkNotApplicable

STATUS_OF: dict[type[Mark], ActivityStatus] = {
    MarkDone: ActivityStatus.DONE,
    MarkDoing: ActivityStatus.IN_PROGRESS,
    MarkBlocked: ActivityStatus.BLOCKED,
    MarkNotApplicable: ActivityStatus.NOT_APPLICABLE,
}


def confirm(asked: Asked, change: Change) -> Answer:
    """A change made: the sender wakes (an owner may be told), the person hears what changed."""
    asked.notify()
    return Answer(messages.change_confirmed(change, asked.lang))


def show_help(asked: Asked, command: Help) -> Answer:
    platform = platform_of(asked.actor.team_id)
    return Answer(messages.help_message(asked.lang, platform=platform))


def new_project(asked: Asked, command: NewProject) -> Answer:
    view = projects.create_project(asked.services, asked.actor, asked.channel, command.name)
    return shared(messages.project_created(view, asked.lang))


def status(asked: Asked, command: Status) -> Answer:
    view = projects.project_status(asked.services, asked.actor.team_id, asked.channel)
    return Answer(messages.status(view, asked.lang))


def mine(asked: Asked, command: Mine) -> Answer:
    found = activities.my_activities(asked.services, asked.actor.team_id, asked.actor.user_id)
    return Answer(messages.mine(found, asked.lang))


def set_owner(asked: Asked, command: SetOwner) -> Answer:
    s, a, channel = asked.services, asked.actor, asked.channel
    return confirm(asked, activities.set_owner(s, a, channel, command.activity, command.user_id))


def set_due(asked: Asked, command: SetDue) -> Answer:
    s, a, channel = asked.services, asked.actor, asked.channel
    return confirm(asked, activities.set_due(s, a, channel, command.activity, command.due))


def mark(asked: Asked, command: Mark) -> Answer:
    note = (
        command.reason if isinstance(command, MarkBlocked | MarkNotApplicable) else command.comment
    )
    target = STATUS_OF[type(command)]
    change = activities.set_status(
        asked.services, asked.actor, asked.channel, command.activity, target, note
    )
    return confirm(asked, change)


def link_document(asked: Asked, command: LinkDocument) -> Answer:
    s, a, channel = asked.services, asked.actor, asked.channel
    change = activities.link_document(s, a, channel, command.document, command.url)
    return confirm(asked, change)


def set_steering(asked: Asked, command: SetSteering) -> Answer:
    s, a, channel = asked.services, asked.actor, asked.channel
    return confirm(asked, projects.set_steering(s, a, channel, command.user_ids))


def set_chair(asked: Asked, command: SetChair) -> Answer:
    s, a, channel = asked.services, asked.actor, asked.channel
    return confirm(asked, projects.set_chair(s, a, channel, command.user_id))


def set_vote_channel(asked: Asked, command: SetVoteChannel) -> Answer:
    s, a, channel = asked.services, asked.actor, asked.channel
    change = projects.set_vote_channel(s, a, channel, command.channel_id, asked.directory)
    return confirm(asked, change)


def set_channels(asked: Asked, command: SetChannels) -> Answer:
    s, a, channel = asked.services, asked.actor, asked.channel
    change = projects.set_channels(s, a, channel, command.channel_ids, asked.directory)
    return confirm(asked, change)


def set_schedule(asked: Asked, command: SetSchedule) -> Answer:
    change = reminders.set_schedule(asked.services, asked.actor, asked.channel, command.when)
    return Answer(messages.schedule_set(change, asked.lang))


def remind(asked: Asked, command: Remind) -> Answer:
    count = reminders.remind_now(asked.services, asked.actor, asked.channel)
    asked.notify()
    return Answer(messages.reminders_sent(count, asked.lang))


def open_milestone(asked: Asked, command: Milestone) -> Answer:
    deadline = command.deadline
    local = (deadline.day, deadline.at) if deadline else None
    result = votes.open_milestone(asked.services, asked.actor, asked.channel, local)
    if isinstance(result, votes.NotReady):
        return Answer(messages.milestone_not_ready(result.project, asked.lang))
    asked.notify()
    return shared(messages.vote_opened(result.vote, asked.lang))
