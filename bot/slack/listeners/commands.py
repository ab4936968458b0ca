"""The slash command: parse the text, run one use case, answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, assert_never

from slack_bolt import App
from slack_sdk import WebClient

import messages
from bot.domain.activities import ActivityStatus
from bot.services import activities, decisions, projects, reminders, votes
from bot.services.context import Actor, Services
from bot.slack.listeners import parsing
from bot.slack.listeners.reply import Ack, answer, ephemeral, in_channel
from bot.slack.locale import Locales

COMMAND = "/forvaltning"

STATUS_OF: dict[type[parsing.Command], ActivityStatus] = {
    parsing.MarkDone: ActivityStatus.DONE,
    parsing.MarkDoing: ActivityStatus.IN_PROGRESS,
    parsing.MarkBlocked: ActivityStatus.BLOCKED,
    parsing.MarkNotApplicable: ActivityStatus.NOT_APPLICABLE,
}


def register(app: App, services: Services, locales: Locales, notify: Callable[[], None]) -> None:
    @app.command(COMMAND)
    def forvaltning(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        actor = Actor(team_id=command["team_id"], user_id=command["user_id"])
        channel = command["channel_id"]
        lang = locales.language(client, actor.team_id, actor.user_id)

        def confirm(change: Any) -> dict[str, Any]:
            notify()
            return ephemeral(messages.change_confirmed(change, lang))

        def work() -> dict[str, Any]:
            match parsing.parse(command.get("text") or ""):
                case parsing.Help():
                    return ephemeral(messages.help_message(lang))
                case parsing.NewProject(name=name):
                    view = projects.create_project(services, actor, channel, name)
                    return in_channel(messages.project_created(view, lang))
                case parsing.Status():
                    view = projects.project_status(services, actor.team_id, channel)
                    return ephemeral(messages.status(view, lang))
                case parsing.Mine():
                    mine = activities.my_activities(services, actor.team_id, actor.user_id)
                    return ephemeral(messages.mine(mine, lang))
                case parsing.SetOwner(activity=ref, user_id=owner):
                    return confirm(activities.set_owner(services, actor, channel, ref, owner))
                case parsing.SetDue(activity=ref, due=due):
                    return confirm(activities.set_due(services, actor, channel, ref, due))
                case (
                    parsing.MarkDone(activity=ref, comment=note)
                    | parsing.MarkDoing(activity=ref, comment=note)
                    | parsing.MarkBlocked(activity=ref, reason=note)
                    | parsing.MarkNotApplicable(activity=ref, reason=note)
                ) as mark:
                    target = STATUS_OF[type(mark)]
                    return confirm(
                        activities.set_status(services, actor, channel, ref, target, note)
                    )
                case parsing.LinkDocument(document=ref, url=url):
                    return confirm(activities.link_document(services, actor, channel, ref, url))
                case parsing.SetSteering(user_ids=members):
                    return confirm(projects.set_steering(services, actor, channel, members))
                case parsing.SetChair(user_id=chair):
                    return confirm(projects.set_chair(services, actor, channel, chair))
                case parsing.SetVoteChannel(channel_id=vote_channel):
                    return confirm(
                        projects.set_vote_channel(services, actor, channel, vote_channel)
                    )
                case parsing.SetChannels(channel_ids=channels):
                    return confirm(projects.set_channels(services, actor, channel, channels))
                case parsing.SetSchedule(when=when):
                    change = reminders.set_schedule(services, actor, channel, when)
                    return ephemeral(messages.schedule_set(change, lang))
                case parsing.Remind():
                    count = reminders.remind_now(services, actor, channel)
                    notify()
                    return ephemeral(messages.reminders_sent(count, lang))
                case parsing.Milestone(deadline=deadline):
                    local = (deadline.day, deadline.at) if deadline else None
                    result = votes.open_milestone(services, actor, channel, local)
                    if isinstance(result, votes.NotReady):
                        return ephemeral(messages.milestone_not_ready(result.project, lang))
                    notify()
                    return in_channel(messages.vote_opened(result.vote, lang))
                case parsing.DeclareConflict():
                    ballot = votes.declare_conflict(services, actor, channel_id=channel)
                    notify()
                    return ephemeral(
                        messages.vote_receipt(
                            ballot.vote, ballot.choice, ballot.changed, ballot.closed_now, lang
                        )
                    )
                case parsing.CloseVote():
                    closed = votes.close_vote(services, actor, channel_id=channel)
                    notify()
                    return ephemeral(messages.vote_closed(closed, lang))
                case parsing.Minutes():
                    found = decisions.minutes(services, actor, channel)
                    return ephemeral(
                        messages.minutes(
                            found.record, found.reservations, found.failed_channels, lang
                        )
                    )
                case other:
                    assert_never(other)  # every subcommand has its case: mypy checks it

        answer(ack, lang, work)
