"""The bot's record of the reminder DMs it posted: kept while a click may redraw one, pruned by
the tick after that, and the justering reminders counted apart from the vote reminders."""

from __future__ import annotations

from bot.services import activities, projects, reminders
from bot.services.context import Services
from bot.services.tick import tick
from bot.services.tick_jobs import REMINDER_MEMORY
from tests.services.support import ANNA, CHANNEL, ERIK
from tests.support.clock import Clock

DM = "D0ERIK"


def _posted(services: Services, ts: str) -> int:
    """A reminder DM to Erik listing his activity, recorded as the sender records it."""
    projects.create_project(services, ANNA, CHANNEL, "Kommunen X")
    activities.set_owner(services, ANNA, CHANNEL, "1.1", ERIK.user_id)
    (item,) = activities.my_activities(services, ERIK.team_id, ERIK.user_id)
    posted = reminders.ReminderPosted(ERIK.team_id, ERIK.user_id, DM, ts, (item.activity_id,))
    with services.db.session() as session:
        reminders.ReminderPosted.write_many(session, [posted], services.clock())
    return item.activity_id


def test_a_click_redraws_a_reminder_dm_until_the_tick_has_forgotten_it(
    services: Services, clock: Clock
) -> None:
    activity = _posted(services, "1700000000.000100")
    clock.advance(days=REMINDER_MEMORY.days - 1)
    tick(services, clock())
    assert reminders.request_update(services, ERIK, DM, "1700000000.000100", activity)
    clock.advance(days=2)
    tick(services, clock())
    assert not reminders.request_update(services, ERIK, DM, "1700000000.000100", activity)


def test_the_tick_forgets_only_what_is_old(services: Services, clock: Clock) -> None:
    activity = _posted(services, "1700000000.000100")
    clock.advance(days=REMINDER_MEMORY.days, hours=1)
    newer = reminders.ReminderPosted(
        ERIK.team_id, ERIK.user_id, DM, "1700000001.000200", (activity,)
    )
    with services.db.session() as session:
        reminders.ReminderPosted.write_many(session, [newer], clock())
    tick(services, clock(), batch=1)
    assert not reminders.request_update(services, ERIK, DM, "1700000000.000100", activity)
    assert reminders.request_update(services, ERIK, DM, "1700000001.000200", activity)
