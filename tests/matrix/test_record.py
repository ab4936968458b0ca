"""The record's life on Matrix: after the close the chair and the justerare get the record in
their direct rooms and justera it (a ✅ on it, or `!forvaltning justera`); when both have, the
anslag is a reply in each announcement's thread. Begär ändring (`!forvaltning ändring …`)
reaches the projektledare, and a rättelse makes the record ojusterat again."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AsyncExitStack

from mautrix.types import EventID, RoomID

from bot.wiring import Bot
from tests.matrix.people import Cast, Said, room, scenario
from tests.matrix.project import ready, says


def in_thread_of(event_id: str, where: str) -> Callable[[Said], bool]:
    def check(s: Said) -> bool:
        relates = s.content.get("m.relates_to") or {}
        return (
            s.room == where
            and relates.get("rel_type") == "m.thread"
            and relates.get("event_id") == event_id
        )

    return check


def test_the_record_is_justerat_corrected_and_justerat_again(cast: Cast, bot: Bot) -> None:
    bot_id = cast.bot.user_id

    async def conversation() -> None:
        async with AsyncExitStack() as stack:
            anna, _erik, sara, olle, karin = await cast.enter(stack)
            project = await room(anna, "Kommunen Y", [bot_id])
            steering = await room(
                anna, "Styrgrupp", [bot_id, sara.user_id, olle.user_id, karin.user_id]
            )
            alias = await cast.alias(anna, "Förvaltning", [bot_id])
            stakeholders = str((await anna.api.resolve_room_alias(alias)).room_id)
            for member in (sara, olle, karin):
                await member.sync()

            await anna.say(project, "!forvaltning nytt Kommunen Y")
            await anna.hears(says("Kommunen Y", project), sender=bot_id)
            members = f"{sara.user_id} {olle.user_id} {karin.user_id}"
            await ready(
                anna,
                bot_id,
                project,
                [
                    f"styrgrupp {members}",
                    f"ordförande {sara.user_id}",
                    f"justerare {olle.user_id}",
                    "diarienummer KS 2026/77",
                    f"styrgruppskanal {steering}",
                    f"kanaler {alias}",
                ],
            )
            await anna.say(project, "!forvaltning status")
            status = await anna.hears(lambda s: s.room != project, sender=bot_id)
            anna_room = status.room  # her direct room with the bot
            await anna.say(project, "!forvaltning milstolpe")
            await sara.hears(says("rösta ja", steering), sender=bot_id)
            for member in (sara, olle, karin):  # the last vote closes it
                await member.say(steering, "!forvaltning rösta ja")
            announced = await anna.hears(says("Godkänd", stakeholders), sender=bot_id)
            assert olle.user_id in announced.body  # the announcement says who will justera

            # The chair and the justerare each get the record, with how to justera it.
            asked_sara = await sara.hears(says("Justera beslutsprotokollet"), sender=bot_id)
            asked_olle = await olle.hears(says("Justera beslutsprotokollet"), sender=bot_id)
            olle_room = asked_olle.room  # his direct room with the bot
            assert olle_room not in (project, steering, stakeholders)
            assert "!forvaltning justera" in asked_olle.body
            assert "KS 2026/77" in asked_olle.body

            # Sara justerar with a ✅ on the record; one of two: still ojusterat.
            await sara.api.react(RoomID(asked_sara.room), EventID(asked_sara.event_id), "✅")
            receipt = await sara.hears(says("Du har justerat protokollet"), sender=bot_id)
            assert olle.user_id in receipt.body  # who is still waited for

            # Olle finds a mistake: Begär ändring reaches Anna, the projektledare.
            await olle.say(olle_room, "!forvaltning ändring Datumet i § 1 är fel")
            await olle.hears(says("skickad till projektledaren", olle_room), sender=bot_id)
            told = await anna.hears(says("Datumet i § 1 är fel", anna_room), sender=bot_id)
            assert olle.user_id in told.body and "rättelse" in told.body

            # Her rättelse begins version 2, which both are asked to justera again.
            await anna.say(project, "!forvaltning rättelse Datumet i § 1 ska vara 1 december")
            await anna.hears(says("Rättelsen", anna_room), sender=bot_id)
            again_sara = await sara.hears(says("1 december"), sender=bot_id)
            await olle.hears(says("1 december", olle_room), sender=bot_id)

            # Sara with a ✅, Olle in writing: justerat, and the anslag is a reply under the
            # announcement, with the checksum.
            await sara.api.react(RoomID(again_sara.room), EventID(again_sara.event_id), "✅")
            await sara.hears(says("Du har justerat protokollet"), sender=bot_id)
            await olle.say(olle_room, "!forvaltning justera")
            sealed = await olle.hears(says("är justerat", olle_room), sender=bot_id)
            assert "SHA-256" in sealed.body
            anslag = await anna.hears(in_thread_of(announced.event_id, stakeholders), sender=bot_id)
            assert "är justerat" in anslag.body and sara.user_id in anslag.body
            assert anslag.content["m.relates_to"]["m.in_reply_to"]["event_id"] == announced.event_id

            # A rättelse after the justering: the record is ojusterat until both justera again.
            await anna.say(project, "!forvaltning rättelse Bilagan saknades")
            await anna.hears(says("Rättelsen", anna_room), sender=bot_id)
            await anna.say(project, "!forvaltning protokoll")
            reopened = await anna.hears(says("Bilagan saknades", anna_room), sender=bot_id)
            assert "Ojusterat" in reopened.body and "version 3" in reopened.body

    scenario(conversation())
