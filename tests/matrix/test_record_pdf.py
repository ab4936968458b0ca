"""On Matrix too the justerat record lands in the project's room as a PDF/A file: an `m.file`
whose bytes the media repository of the real Synapse holds.

Justering has no Matrix commands yet, so the chair and the justerare justera through the
services, as their commands would; the vote itself is cast and closed in the rooms.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AsyncExitStack

from mautrix.types import ContentURI
from sqlmodel import select

from bot.domain.platform import matrix_team
from bot.services import justering
from bot.services.context import Actor
from bot.wiring import Bot
from storage.models import Project, Vote
from tests.matrix.people import Cast, Said, room, scenario
from tests.matrix.project import vote_open
from tests.matrix.synapse import Synapse
from tests.support.pdf import pdf_text, require_pdf_tools


def test_the_justerat_record_is_filed_in_the_project_room_as_a_pdf(
    synapse: Synapse, cast: Cast, bot: Bot
) -> None:
    require_pdf_tools()
    bot_id = cast.bot.user_id
    team = matrix_team(bot_id)
    assert bot.matrix is not None
    services = bot.matrix.services

    def file_in(where: str) -> Callable[[Said], bool]:
        return lambda s: s.room == where and s.content.get("msgtype") == "m.file"

    async def flow() -> None:
        async with AsyncExitStack() as stack:
            anna, _erik, sara, olle, karin = await cast.enter(stack)
            members = [sara, olle, karin]
            steering = await room(anna, "Styrgruppen", [bot_id, *(m.user_id for m in members)])

            def olle_justerar(project_room: str) -> None:
                lead = Actor(team, anna.user_id)
                justering.set_adjuster(services, lead, project_room, olle.user_id)

            vote = await vote_open(anna, bot_id, members, steering, olle_justerar)
            with services.db.session() as session:
                project = session.exec(select(Project)).one()
                vote_id = session.exec(select(Vote.id)).one()
            assert vote_id is not None
            for member in members:
                await member.say(steering, "!forvaltning rösta ja")
            await olle.hears(
                lambda s: s.edits == vote.event_id and "Beslut: Godkänd" in s.body, sender=bot_id
            )
            justering.justera(services, Actor(team, sara.user_id), vote_id)
            sealed = justering.justera(services, Actor(team, olle.user_id), vote_id)
            assert sealed.justering is not None and sealed.justering.checksum
            assert bot.sender is not None
            bot.sender.notify()

            filed = await anna.hears(file_in(project.channel_id), sender=bot_id)
            assert filed.body.startswith("beslutsprotokoll-Projekt-")
            assert filed.body.endswith("-p1-v1.pdf")
            assert filed.content["info"]["mimetype"] == "application/pdf"
            data = await anna.api.download_media(ContentURI(filed.content["url"]))
            assert data.startswith(b"%PDF") and len(data) == filed.content["info"]["size"]
            text = pdf_text(data)
            assert project.name in text and sealed.justering.checksum in text

    scenario(flow())
