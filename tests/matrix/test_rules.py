"""The rules that reach people through the Matrix adapter: who may vote, quorum, a refusal, an
encrypted room. The same services decide as on Slack; these show Matrix tells people so."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

from mautrix.types import EventID, RoomID, UserID

from bot.wiring import Bot
from tests.matrix.people import Cast, room, scenario
from tests.matrix.project import says, vote_open


def test_only_members_vote_and_without_quorum_nothing_is_decided(cast: Cast, bot: Bot) -> None:
    bot_id = cast.bot.user_id

    async def conversation() -> None:
        async with AsyncExitStack() as stack:
            anna, erik, sara, olle, karin = await cast.enter(stack)
            steering = await room(
                anna, "Styrgrupp", [bot_id, erik.user_id, sara.user_id, olle.user_id, karin.user_id]
            )
            vote = await vote_open(anna, bot_id, [sara, olle, karin], steering)
            await erik.sync()

            # Erik is in the room but not in the steering group: his ✅ is refused, privately.
            await erik.api.react(RoomID(steering), EventID(vote.event_id), "✅")
            refused = await erik.hears(lambda s: s.room != steering, sender=bot_id)
            assert "ledam" in refused.body.lower(), refused.body

            # One of three votes: no quorum when the chair closes.
            await sara.say(steering, "!forvaltning rösta ja")
            await sara.hears(lambda s: "Godkänn" in s.body and s.room != steering, sender=bot_id)
            await sara.say(steering, "!forvaltning stäng")
            await sara.hears(says("Ej beslutsför"), sender=bot_id)
            final = await olle.hears(
                lambda s: s.edits == vote.event_id and "Beslut: Ej beslutsför" in s.body,
                sender=bot_id,
            )
            assert erik.user_id not in final.body  # his reaction was no ballot

            # A vote typed wrong is answered with how to write it.
            await karin.say(steering, "!forvaltning rösta kanske")
            usage = await karin.hears(
                lambda s: "rösta ja" in s.body and s.room != steering, sender=bot_id
            )
            assert "rösta avstår" in usage.body

    scenario(conversation())


def test_an_encrypted_room_is_told_the_bot_needs_one_without(cast: Cast, bot: Bot) -> None:
    bot_id = cast.bot.user_id

    async def conversation() -> None:
        async with AsyncExitStack() as stack:
            anna = (await cast.enter(stack))[0]
            secret = await room(anna, "Hemligt", [bot_id], encrypted=True)
            told = await anna.hears(lambda s: s.room == secret, sender=bot_id)
            assert "krypter" in told.body
            assert told.content["msgtype"] == "m.notice"

    scenario(conversation())


def test_jav_declared_in_the_room_keeps_the_seat_and_refuses_the_vote(cast: Cast, bot: Bot) -> None:
    """Jäv reaches Matrix as it does Slack: declared with its ground, the member does not vote,
    and the seats stay three (PRODUCT.md: jäv never shrinks the number of seats)."""
    bot_id = cast.bot.user_id

    async def conversation() -> None:
        async with AsyncExitStack() as stack:
            anna, _erik, sara, olle, karin = await cast.enter(stack)
            steering = await room(
                anna, "Styrgrupp", [bot_id, sara.user_id, olle.user_id, karin.user_id]
            )
            vote = await vote_open(anna, bot_id, [sara, olle, karin], steering)
            await olle.sync()

            await olle.say(steering, "!forvaltning jäv part Min firma är leverantör")
            receipt = await olle.hears(lambda s: s.room != steering, sender=bot_id)
            assert "anmält jäv" in receipt.body, receipt.body
            redrawn = await sara.hears(
                lambda s: s.edits == vote.event_id and olle.user_id in s.body and "äv" in s.body,
                sender=bot_id,
            )
            assert "0 av 3 platser" in redrawn.body, redrawn.body  # the seats stay three

            await olle.say(steering, "!forvaltning rösta ja")
            refused = await olle.hears(
                lambda s: s.room != steering and s.body != receipt.body, sender=bot_id
            )
            assert "jäv" in refused.body.lower(), refused.body

    scenario(conversation())


def test_a_raised_jav_is_ruled_with_a_reaction_in_the_direct_room(cast: Cast, bot: Bot) -> None:
    """Slack's *Jävig* / *Inte jävig* buttons are a ✅ or ❌ on the ruling request on Matrix:
    Karin raises jäv about Olle, Sara (the chair) rules him jävig, and his vote is refused."""
    bot_id = cast.bot.user_id

    async def conversation() -> None:
        async with AsyncExitStack() as stack:
            anna, _erik, sara, olle, karin = await cast.enter(stack)
            steering = await room(
                anna, "Styrgrupp", [bot_id, sara.user_id, olle.user_id, karin.user_id]
            )
            await vote_open(anna, bot_id, [sara, olle, karin], steering)
            await karin.sync()
            await olle.sync()

            await karin.say(steering, f"!forvaltning jäv {olle.user_id} part Hans firma levererar")
            asked = await sara.hears(
                lambda s: "Hans firma levererar" in s.body and s.room != steering, sender=bot_id
            )
            assert "✅" in asked.body
            await sara.api.react(RoomID(asked.room), EventID(asked.event_id), "✅")
            ruled = await sara.hears(says("prövat jävig", asked.room), sender=bot_id)
            assert olle.user_id in ruled.body

            await olle.say(steering, "!forvaltning rösta ja")
            refused = await olle.hears(lambda s: s.room != steering, sender=bot_id)
            assert "jäv" in refused.body.lower(), refused.body

    scenario(conversation())


def test_an_announcement_the_bot_was_shut_out_of_goes_when_it_is_invited_back(
    cast: Cast, bot: Bot
) -> None:
    """The stakeholders' room removed the bot before the decision: Anna is told how to invite
    it back, in Matrix's words (the bot's id, not Slack's `@Förvaltningsbot`), and once it is
    back in the room the announcement is posted there."""
    bot_id = cast.bot.user_id

    async def conversation() -> None:
        async with AsyncExitStack() as stack:
            anna, _erik, sara, olle, karin = await cast.enter(stack)
            steering = await room(
                anna, "Styrgrupp", [bot_id, sara.user_id, olle.user_id, karin.user_id]
            )
            stakeholders = await room(anna, "Intressenter", [bot_id])

            vote = await vote_open(
                anna, bot_id, [sara, olle, karin], steering, lines=[f"kanaler {stakeholders}"]
            )
            await anna.api.kick_user(RoomID(stakeholders), UserID(bot_id), "")
            for member in (sara, olle, karin):
                await member.api.react(RoomID(steering), EventID(vote.event_id), "✅")

            told = await anna.hears(says(f"/invite {bot_id}"), sender=bot_id)
            assert "Förvaltningsbot`" not in told.body and told.room != stakeholders
            await anna.api.invite_user(RoomID(stakeholders), UserID(bot_id))
            announced = await anna.hears(says("Godkänd", stakeholders), sender=bot_id)
            assert "Projekt" in announced.body

    scenario(conversation())


def test_a_vote_message_the_bot_was_shut_out_of_is_posted_when_it_is_invited_back(
    cast: Cast, bot: Bot
) -> None:
    """The steering room removed the bot just before the vote opened: Anna is told how to
    invite it back, and once it is back the vote message is posted there, so Sara can vote."""
    bot_id = cast.bot.user_id

    async def conversation() -> None:
        async with AsyncExitStack() as stack:
            anna, _erik, sara, olle, karin = await cast.enter(stack)
            steering = await room(
                anna, "Styrgrupp", [bot_id, sara.user_id, olle.user_id, karin.user_id]
            )
            shut_out = asyncio.Event()

            async def kick(_project: str) -> None:
                await anna.api.kick_user(RoomID(steering), UserID(bot_id), "")
                shut_out.set()

            opening = asyncio.create_task(
                vote_open(anna, bot_id, [sara, olle, karin], steering, before_the_vote=kick)
            )
            await shut_out.wait()  # vote_open listens to Sara from here on, not to Anna
            told = await anna.hears(says(f"/invite {bot_id}"), sender=bot_id)
            assert told.room != steering and "omröstning" in told.body
            assert not opening.done()
            await anna.api.invite_user(RoomID(steering), UserID(bot_id))
            vote = await opening
            assert vote.room == steering
            await sara.api.react(RoomID(steering), EventID(vote.event_id), "✅")
            await sara.hears(lambda s: "Godkänn" in s.body and s.room != steering, sender=bot_id)

    scenario(conversation())
