"""The reminder DM, the channel digest, the escalation DM, and the schedule confirmations."""

from __future__ import annotations

from typing import Any

from bot.domain.reminders import ReminderItem, ReminderView, ScheduleSet
from messages.blocks import MAX_BLOCKS_MESSAGE, Block, clip, fit, pack, section
from messages.environment import macros
from messages.home import button_label
from messages.ids import ActionId, BlockId
from messages.message import Message

REMINDER_BUTTONS = (ActionId.MARK_DONE, ActionId.MARK_DOING, ActionId.MARK_BLOCKED)


def _flat(text: str) -> str:
    return text.strip()


def _buttons(item: ReminderItem, lang: str) -> Block:
    m = macros("reminder.md.j2", lang)
    elements: list[dict[str, Any]] = [
        {
            "type": "button",
            "action_id": action.value,
            "text": {"type": "plain_text", "text": clip(button_label(action, lang), 75)},
            "value": str(item.activity_id),
            **({"style": "primary"} if action is ActionId.MARK_DONE else {}),
        }
        for action in REMINDER_BUTTONS
    ]
    elements.append(
        {
            "type": "button",
            "action_id": ActionId.SNOOZE.value,
            "text": {"type": "plain_text", "text": clip(m.snooze_button().strip(), 75)},
            "value": str(item.activity_id),
        }
    )
    return {
        "type": "actions",
        "block_id": f"{BlockId.REMINDER_ACTIONS}:{item.activity_id}",
        "elements": elements,
    }


def reminder(view: ReminderView, lang: str, *, snoozed_only: bool = False) -> Message:
    """One DM per owner and occurrence; finished items stay listed, without buttons.

    Each item's section carries `reminder:<activity id>` as its block id, which is how a click
    in the DM knows which activities to show again when it updates the message.
    """
    m = macros("reminder.md.j2", lang)
    intro = _flat(m.intro(view, snoozed_only))
    blocks: list[Block] = [section(intro)]
    lines = [intro]
    # Two blocks an item; a message holds 50.
    for item in view.items[: (MAX_BLOCKS_MESSAGE - 2) // 2]:
        text = _flat(m.item(item))
        lines.append(text)
        blocks.append(section(text, block_id=f"{BlockId.REMINDER}:{item.activity_id}"))
        if not item.finished:
            blocks.append(_buttons(item, lang))
    if not view.open_items:
        done = _flat(m.all_done())
        blocks.append(section(done))
        lines.append(done)
    return Message(text="\n".join(lines), blocks=fit(blocks, MAX_BLOCKS_MESSAGE))


def digest(view: ReminderView, lang: str) -> Message:
    m = macros("digest.md.j2", lang)
    heading = _flat(m.heading(view, len(view.items)))
    items = [_flat(m.item(i)) for i in view.items]
    blocks = [section(heading), *(section(t) for t in pack(items))]
    return Message(text="\n".join([heading, *items]), blocks=fit(blocks, MAX_BLOCKS_MESSAGE))


def escalation(view: ReminderView, item: ReminderItem, lang: str) -> Message:
    text = _flat(macros("escalation.md.j2", lang).body(view, item))
    return Message(text=text, blocks=[section(text)])


def schedule_set(change: ScheduleSet, lang: str) -> Message:
    text = _flat(macros("schedule.md.j2", lang).schedule_set(change))
    return Message(text=text, blocks=[section(text)])


def reminders_sent(count: int, lang: str) -> Message:
    text = _flat(macros("schedule.md.j2", lang).reminders_sent(count))
    return Message(text=text, blocks=[section(text)])
