"""The whole flow on Matrix, as people would live it: mautrix clients for the people on a real
Synapse, the real bot (as `serve` builds it, Matrix alone) on its own threads.

Every wait is for a positive marker (a notice that says what it should), bounded by the test's
timeout; nothing sleeps.
"""

from __future__ import annotations

import json
from contextlib import AsyncExitStack

from mautrix.types import EventID, RoomID

from bot.wiring import Bot, export_record
from tests.matrix.people import Cast, pill, room, scenario
from tests.matrix.project import confirmed, ready, says
from tests.matrix.synapse import Synapse


def test_a_milestone_decided_in_matrix(synapse: Synapse, cast: Cast, bot: Bot) -> None:
    bot_id = cast.bot.user_id

    async def flow() -> None:
        async with AsyncExitStack() as stack:
            anna, erik, sara, olle, karin = await cast.enter(stack)
            project = await room(anna, "Kommunen X", [bot_id, erik.user_id])
            steering = await room(
                anna, "Styrgruppen", [bot_id, sara.user_id, olle.user_id, karin.user_id]
            )
            alias = await cast.alias(anna, "Förvaltning", [bot_id])
            stakeholders = str((await anna.api.resolve_room_alias(alias)).room_id)
            for member in (erik, sara, olle, karin):
                await member.sync()  # joins the rooms they were invited to

            await anna.say(project, "!forvaltning nytt Kommunen X")
            created = await anna.hears(says("Kommunen X", project), sender=bot_id)
            assert created.content["msgtype"] == "m.notice"
            assert "<b>Kommunen X</b>" in created.html

            # An owner named with a pill, as Element writes a mention; Erik hears of it.
            await anna.say(
                project,
                "!forvaltning ansvarig 1.2 Erik",
                html=f"!forvaltning ansvarig 1.2 {pill(erik.user_id, 'Erik')}",
            )
            owner = await anna.hears(confirmed, sender=bot_id)
            assert owner.room != project and erik.user_id in owner.body
            told = await erik.hears(says("1.2"), sender=bot_id)
            assert told.room != project  # Erik's direct room with the bot

            # A refusal is private, in Erik's direct room, and says who may.
            await erik.say(project, f"!forvaltning styrgrupp {erik.user_id}")
            refused = await erik.hears(says("Inget ändrades", told.room), sender=bot_id)
            assert anna.user_id in refused.body
            await erik.say(project, "!forvaltning klar 1.2 Avtalet är påskrivet")
            await erik.hears(says("Avtalet är påskrivet", told.room), sender=bot_id)

            members = f"{sara.user_id} {olle.user_id} {karin.user_id}"
            await ready(
                anna,
                bot_id,
                project,
                [
                    f"styrgrupp {members}",
                    f"ordförande {sara.user_id}",
                    f"justerare {olle.user_id}",
                    f"styrgruppskanal {steering}",
                    f"kanaler {alias}",
                ],
            )
            await anna.say(project, "!forvaltning status")
            status = await anna.hears(says("Kommunen X", owner.room), sender=bot_id)
            assert "https://intra.kommun.se/driftplan" in status.html

            await anna.say(project, "!forvaltning milstolpe")
            # The room the vote is in is shown by its name, linked by its id.
            opened = await anna.hears(says("Styrgruppen", project), sender=bot_id)
            assert f'href="https://matrix.to/#/{steering}"' in opened.html
            assert steering not in opened.body
            vote = await sara.hears(says("rösta ja", steering), sender=bot_id)

            # Sara, the chair, votes by reaction; the vote message is edited in place.
            await sara.api.react(RoomID(steering), EventID(vote.event_id), "✅")
            await sara.hears(lambda s: "Godkänn" in s.body and s.room != steering, sender=bot_id)
            edited = await olle.hears(
                lambda s: s.edits == vote.event_id and sara.user_id in s.body, sender=bot_id
            )
            assert edited.content["m.new_content"]["msgtype"] == "m.notice"

            # Karin chooses English, then votes with the command.
            await karin.say(steering, "!forvaltning språk en")
            english = await karin.hears(says("English"), sender=bot_id)
            await karin.say(steering, "!forvaltning rösta ja")
            await karin.hears(says("Approve", english.room), sender=bot_id)

            # Only the chair closes.
            await olle.say(steering, "!forvaltning stäng")
            not_chair = await olle.hears(says("Inget ändrades"), sender=bot_id)
            assert sara.user_id in not_chair.body
            await sara.say(steering, "!forvaltning stäng")
            await sara.hears(says("Godkänd"), sender=bot_id)

            await olle.hears(
                lambda s: s.edits == vote.event_id and "Beslut: Godkänd" in s.body, sender=bot_id
            )
            announced = await anna.hears(says("Godkänd", stakeholders), sender=bot_id)
            assert "Kommunen X" in announced.body

            await anna.say(project, "!forvaltning protokoll")
            record = await anna.hears(says("Godkänd", owner.room), sender=bot_id)
            assert sara.user_id in record.body and karin.user_id in record.body

    scenario(flow())

    exported = json.loads(str(export_record(bot.settings, "Kommunen X", "json", "sv")))
    assert exported["team_id"] == "matrix:localhost"
    [decision] = exported["decisions"]
    assert decision["record"]["outcome"] == "approved"
    people = cast.accounts
    assert decision["record"]["votes"] == {
        people["sara"].user_id: "yes",
        people["olle"].user_id: None,
        people["karin"].user_id: "yes",
    }
