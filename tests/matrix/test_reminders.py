"""A reminder on Matrix has no buttons: a reply to it is the answer. An activity's number alone
marks it done (the numbered choice), a command without `!forvaltning` does the rest, both as if
written in the project's room."""

from __future__ import annotations

from contextlib import AsyncExitStack

from bot.wiring import Bot
from tests.matrix.people import Cast, room, scenario
from tests.matrix.project import confirmed, says


def test_a_reply_to_the_reminder_answers_it(cast: Cast, bot: Bot) -> None:
    bot_id = cast.bot.user_id

    async def conversation() -> None:
        async with AsyncExitStack() as stack:
            anna, erik, *_ = await cast.enter(stack)
            project = await room(anna, "Kommunen Z", [bot_id, erik.user_id])
            await erik.sync()
            await anna.say(project, "!forvaltning nytt Kommunen Z")
            await anna.hears(says("Kommunen Z", project), sender=bot_id)
            for line in (f"ansvarig 1.2 {erik.user_id}", f"ansvarig 2 {erik.user_id}", "påminn"):
                await anna.say(project, f"!forvaltning {line}")
                await anna.hears(lambda s: s.room != project, sender=bot_id)

            reminder = await erik.hears(says("Påminnelse"), sender=bot_id)
            assert "Kommunen Z" in reminder.body and project not in reminder.body  # by name
            assert "Svara på det här meddelandet" in reminder.body
            await erik.say(reminder.room, "1.2", reply_to=reminder.event_id)
            done = await erik.hears(confirmed, sender=bot_id)
            assert done.room == reminder.room and "1.2" in done.body
            await erik.say(
                reminder.room, "blockerad 2 Väntar på driften", reply_to=reminder.event_id
            )
            blocked = await erik.hears(says("Väntar på driften", reminder.room), sender=bot_id)
            assert blocked.body.startswith("✅")

            await anna.say(project, "!forvaltning status")
            status = await anna.hears(says("Kommunen Z"), sender=bot_id)
            assert "1 av 6 klara" in status.body, status.body

    scenario(conversation())
