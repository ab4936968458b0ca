"""The slash command: read it in Slack's dialect, run it from the one command table
(`bot.conversation`), answer ephemeral or in the channel as the answer is private or shared."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.conversation import Answer, Asked, Visibility, run
from bot.services.context import Actor
from bot.slack.dialect import parse
from bot.slack.directory import SlackDirectory
from bot.slack.listeners.deps import Deps
from bot.slack.listeners.reply import Ack, answer, ephemeral, in_channel

COMMAND = "/forvaltning"


def reply(found: Answer) -> dict[str, Any]:
    if found.visibility is Visibility.SHARED:
        return in_channel(found.message)
    return ephemeral(found.message)


def register(app: App, deps: Deps) -> None:
    @app.command(COMMAND)
    def forvaltning(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        actor = Actor(team_id=command["team_id"], user_id=command["user_id"])
        lang = deps.locales.language(client, actor.team_id, actor.user_id)
        asked = Asked(
            services=deps.services,
            actor=actor,
            channel=command["channel_id"],
            lang=lang,
            directory=SlackDirectory(client),
            notify=deps.notify,
        )
        text = command.get("text") or ""
        answer(ack, lang, lambda: reply(run(asked, parse(text))))
