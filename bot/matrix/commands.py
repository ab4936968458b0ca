"""A `!forvaltning …` message: parse it, run one use case, say where the answer goes.

The same use cases as Slack's slash command, one small function per command in `ROUTES`. What
Slack shows only to the sender goes to the person's direct room (`PRIVATE`); what Slack posts
in the channel goes to the room (`ROOM`). Two subcommands are Matrix's own: `rösta` (Slack
votes with buttons) and `språk` (Slack knows each person's locale; Matrix does not).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import messages
from bot.commands import (
    AddNote,
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
    RaiseConflict,
    ReferBack,
    Remind,
    ReportAbsence,
    SetChair,
    SetChannels,
    SetCoopted,
    SetDue,
    SetOwner,
    SetPresenter,
    SetProposal,
    SetSchedule,
    SetSteering,
    SetSubstitutes,
    SetVoteChannel,
    Status,
)
from bot.domain.activities import ActivityStatus
from bot.domain.changes import Change
from bot.domain.voting import Choice
from bot.matrix import meeting
from bot.matrix.answer import Answer, Asked, Where
from bot.services import activities, ballots, decisions, projects, reminders, votes

C = TypeVar("C", bound=Command)
Mark = MarkDone | MarkDoing | MarkBlocked | MarkNotApplicable
STATUS_OF: dict[type[Mark], ActivityStatus] = {
    MarkDone: ActivityStatus.DONE,
    MarkDoing: ActivityStatus.IN_PROGRESS,
    MarkBlocked: ActivityStatus.BLOCKED,
    MarkNotApplicable: ActivityStatus.NOT_APPLICABLE,
}
VOTE_WORDS = frozenset({"rösta", "rosta", "vote"})
LANGUAGE_WORDS = frozenset({"språk", "sprak", "language"})
CHOICE_WORDS = {
    "ja": Choice.yes,
    "yes": Choice.yes,
    "nej": Choice.no,
    "no": Choice.no,
    "avstår": Choice.abstain,
    "avstar": Choice.abstain,
    "abstain": Choice.abstain,
}


def show_help(asked: Asked, command: Help) -> Answer:
    return Answer(messages.help_message(asked.lang))


def new_project(asked: Asked, command: NewProject) -> Answer:
    view = projects.create_project(asked.services, asked.actor, asked.room, command.name)
    return Answer(messages.project_created(view, asked.lang), Where.ROOM)


def status(asked: Asked, command: Status) -> Answer:
    view = projects.project_status(asked.services, asked.actor.team_id, asked.room)
    return Answer(messages.status(view, asked.lang))


def mine(asked: Asked, command: Mine) -> Answer:
    found = activities.my_activities(asked.services, asked.actor.team_id, asked.actor.user_id)
    return Answer(messages.mine(found, asked.lang))


def set_owner(asked: Asked, command: SetOwner) -> Answer:
    s, a, room = asked.services, asked.actor, asked.room
    return _confirm(asked, activities.set_owner(s, a, room, command.activity, command.user_id))


def set_due(asked: Asked, command: SetDue) -> Answer:
    s, a, room = asked.services, asked.actor, asked.room
    return _confirm(asked, activities.set_due(s, a, room, command.activity, command.due))


def mark(asked: Asked, command: Mark) -> Answer:
    note = (
        command.reason if isinstance(command, MarkBlocked | MarkNotApplicable) else command.comment
    )
    change = activities.set_status(
        asked.services, asked.actor, asked.room, command.activity, STATUS_OF[type(command)], note
    )
    return _confirm(asked, change)


def link_document(asked: Asked, command: LinkDocument) -> Answer:
    s, a, room = asked.services, asked.actor, asked.room
    return _confirm(asked, activities.link_document(s, a, room, command.document, command.url))


def set_steering(asked: Asked, command: SetSteering) -> Answer:
    s, a, room = asked.services, asked.actor, asked.room
    return _confirm(asked, projects.set_steering(s, a, room, command.user_ids))


def set_chair(asked: Asked, command: SetChair) -> Answer:
    s, a, room = asked.services, asked.actor, asked.room
    return _confirm(asked, projects.set_chair(s, a, room, command.user_id))


def set_vote_channel(asked: Asked, command: SetVoteChannel) -> Answer:
    s, a, room = asked.services, asked.actor, asked.room
    change = projects.set_vote_channel(s, a, room, command.channel_id, asked.directory)
    return _confirm(asked, change)


def set_channels(asked: Asked, command: SetChannels) -> Answer:
    s, a, room = asked.services, asked.actor, asked.room
    change = projects.set_channels(s, a, room, command.channel_ids, asked.directory)
    return _confirm(asked, change)


def set_schedule(asked: Asked, command: SetSchedule) -> Answer:
    change = reminders.set_schedule(asked.services, asked.actor, asked.room, command.when)
    return Answer(messages.schedule_set(change, asked.lang))


def remind(asked: Asked, command: Remind) -> Answer:
    count = reminders.remind_now(asked.services, asked.actor, asked.room)
    asked.notify()
    return Answer(messages.reminders_sent(count, asked.lang))


def open_milestone(asked: Asked, command: Milestone) -> Answer:
    local = (command.deadline.day, command.deadline.at) if command.deadline else None
    result = votes.open_milestone(asked.services, asked.actor, asked.room, local)
    if isinstance(result, votes.NotReady):
        return Answer(messages.milestone_not_ready(result.project, asked.lang))
    asked.notify()
    return Answer(messages.vote_opened(result.vote, asked.lang), Where.ROOM)


def close_vote(asked: Asked, command: CloseVote) -> Answer:
    closed = votes.close_vote(asked.services, asked.actor, channel_id=asked.room)
    asked.notify()
    return Answer(messages.vote_closed(closed, asked.lang))


def minutes(asked: Asked, command: Minutes) -> Answer:
    found = decisions.minutes(asked.services, asked.actor, asked.room)
    return Answer(
        messages.minutes(found.record, found.reservations, found.failed_channels, asked.lang)
    )


def _confirm(asked: Asked, change: Change) -> Answer:
    asked.notify()
    return Answer(messages.change_confirmed(change, asked.lang))


Handler = Callable[[Asked, Any], Answer]


def _route(kind: type[C], handler: Callable[[Asked, C], Answer]) -> tuple[type, Handler]:
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
        _route(DeclareConflict, meeting.declare_conflict),
        _route(RaiseConflict, meeting.raise_conflict),
        _route(ReportAbsence, meeting.report_absence),
        _route(ReferBack, meeting.refer_back),
        _route(AddNote, meeting.add_note),
        _route(SetSubstitutes, meeting.set_substitutes),
        _route(SetCoopted, meeting.set_coopted),
        _route(SetPresenter, meeting.set_presenter),
        _route(SetProposal, meeting.set_proposal),
        _route(CloseVote, close_vote),
        _route(Minutes, minutes),
    ]
)


def run(asked: Asked, command: Command) -> Answer:
    """Run a parsed command; raises what the use case raises."""
    return ROUTES[type(command)](asked, command)


def vote(asked: Asked, choice: Choice, vote_id: int | None = None) -> Answer:
    """`rösta ja|nej|avstår` in the vote's or the project's room, or a reaction (`vote_id`)."""
    found = vote_id
    if found is None:
        found = ballots.open_vote_id(asked.services, asked.actor, asked.room)
    ballot = votes.cast(asked.services, asked.actor, found, choice)
    asked.notify()
    return Answer(
        messages.vote_receipt(
            ballot.vote, ballot.choice, ballot.changed, ballot.closed_now, asked.lang
        )
    )


def matrix_word(text: str) -> tuple[str, str] | None:
    """`rösta …` or `språk …`, Matrix's own subcommands: (which, the argument), else None."""
    head, _, rest = text.strip().partition(" ")
    word = head.lower()
    if word in VOTE_WORDS:
        return "vote", rest.strip().lower()
    if word in LANGUAGE_WORDS:
        return "language", rest.strip().lower()
    return None
