"""What the end-to-end reminder tests share: the ids and statuses in the database, the reminder
DM as Erik sees it, and pressing its buttons as Slack would."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from bot.emulator import Message
from storage.models import Activity, ReminderMessage
from tests.support.bot import RunningBot, Workspace
from tests.support.waiting import eventually


def activity_ids(running: RunningBot) -> dict[str, int]:
    with running.bot.db.session() as session:
        return dict(session.execute(select(col(Activity.key), col(Activity.id))).all())


def statuses(running: RunningBot) -> dict[str, str]:
    with running.bot.db.session() as session:
        return dict(session.execute(select(col(Activity.key), col(Activity.status))).all())


def reminder_dm(w: Workspace) -> Message:
    found = eventually(lambda: [m for m in w.fake.state.dms_to(w.erik) if "Reminder" in m.text])
    assert found, "no reminder DM arrived"
    return found[-1]


def current(w: Workspace, dm: Message) -> Message:
    message = w.fake.state.find_message(dm.channel, dm.ts)
    assert message is not None
    return message


def redrawn(w: Workspace, dm: Message, text: str) -> Message:
    """The DM after the bot edited it in place to show `text`."""
    eventually(lambda: text in current(w, dm).text)
    message = current(w, dm)
    assert text in message.text, message.text
    return message


def recorded(running: RunningBot, dm: Message) -> bool:
    """Whether the bot has recorded posting `dm`: it does so once Slack answered the post, a
    moment after the DM shows, and only a recorded DM is redrawn by a click in it."""
    with running.bot.db.session() as session:
        query = select(col(ReminderMessage.id)).where(
            col(ReminderMessage.channel_id) == dm.channel, col(ReminderMessage.ts) == dm.ts
        )
        return session.execute(query).first() is not None


def press(running: RunningBot, dm: Message, action: str, activity_id: int, user: str) -> None:
    """`user` presses a button of the reminder DM, as Slack sends it."""
    eventually(lambda: recorded(running, dm))
    running.slack.click(
        action, user_id=user, channel_id=dm.channel, message_ts=dm.ts, value=str(activity_id)
    )
