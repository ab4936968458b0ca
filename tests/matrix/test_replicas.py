"""Two replicas of the bot on one database, both syncing the bot's account: each command is
answered once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AsyncExitStack

import pytest

from bot.wiring import Bot
from tests.matrix.people import Cast, room, scenario


@pytest.fixture
def second(bot: Bot) -> Iterator[Bot]:
    replica = Bot.build(bot.settings)
    replica.server.start_in_background()
    replica.start_background_work()
    yield replica
    replica.stop()


def test_two_replicas_answer_a_command_once(cast: Cast, bot: Bot, second: Bot) -> None:
    bot_id = cast.bot.user_id

    async def conversation() -> None:
        async with AsyncExitStack() as stack:
            anna = (await cast.enter(stack))[0]
            project = await room(anna, "Kommunen Z", [bot_id])
            await anna.say(project, "!forvaltning nytt Kommunen Z")
            await anna.hears(lambda s: "Kommunen Z" in s.body and s.room == project, sender=bot_id)
            await anna.say(project, "!forvaltning hjälp")
            await anna.say(project, "!forvaltning status")
            # The status comes after the help: had a replica answered twice, the second answer
            # to `nytt` (a refusal) or to `hjälp` would be among what Anna heard before it.
            await anna.hears(lambda s: "1.1" in s.body and s.room != project, sender=bot_id)
            said = [s for s in anna.seen if s.sender == bot_id]
            assert len(said) == 1 and "!forvaltning" in said[0].body, [s.body[:60] for s in said]

    scenario(conversation())
