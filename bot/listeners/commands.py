"""The slash command: parse the text, run one use case, answer."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.listeners import parsing
from bot.listeners.locale import Locales
from bot.listeners.reply import Ack, answer, ephemeral, in_channel
from bot.services import projects
from bot.services.context import Actor, Services
from messages import help_message, project_created, status

COMMAND = "/forvaltning"


def register(app: App, services: Services, locales: Locales) -> None:
    @app.command(COMMAND)
    def forvaltning(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        actor = Actor(team_id=command["team_id"], user_id=command["user_id"])
        channel_id = command["channel_id"]
        lang = locales.language(client, actor.team_id, actor.user_id)

        def work() -> dict[str, Any]:
            match parsing.parse(command.get("text") or ""):
                case parsing.Help():
                    return ephemeral(help_message(lang))
                case parsing.NewProject(name=name):
                    view = projects.create_project(services, actor, channel_id, name)
                    return in_channel(project_created(view, lang))
                case parsing.Status():
                    view = projects.project_status(services, actor.team_id, channel_id)
                    return ephemeral(status(view, lang))
                case _:
                    return ephemeral(help_message(lang))

        answer(ack, lang, work)
