"""The App Home tab ("Mina aktiviteter") and the modal that asks for a reason."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.domain.project import MyActivity
from messages.blocks import (
    MAX_BLOCKS_MESSAGE,
    MAX_BLOCKS_SURFACE,
    Block,
    clip,
    divider,
    fit,
    header,
    section,
)
from messages.environment import macros
from messages.ids import ActionId, BlockId, CallbackId
from messages.meeting import jav_ruling_request
from messages.message import Message
from messages.record import to_justera

BUTTONS = (ActionId.MARK_DONE, ActionId.MARK_DOING, ActionId.MARK_BLOCKED, ActionId.MARK_NA)
_WORD = {
    ActionId.MARK_DONE: "done",
    ActionId.MARK_DOING: "doing",
    ActionId.MARK_BLOCKED: "blocked",
    ActionId.MARK_NA: "na",
}


def button_label(action: ActionId, lang: str) -> str:
    return macros("home.md.j2", lang).button(_WORD[action]).strip()  # type: ignore[no-any-return]


def _buttons(activity_id: int, lang: str) -> Block:
    elements = []
    for action in BUTTONS:
        button: dict[str, Any] = {
            "type": "button",
            "action_id": action.value,
            "text": {"type": "plain_text", "text": clip(button_label(action, lang), 75)},
            "value": str(activity_id),
        }
        if action is ActionId.MARK_DONE:
            button["style"] = "primary"
        elements.append(button)
    return {"type": "actions", "block_id": f"activity_{activity_id}", "elements": elements}


def _waiting(waiting: Any, lang: str) -> list[Block]:
    """Above my activities, what waits for me: votes to cast, jäv to rule on, records to
    justera."""
    if waiting is None or not (waiting.to_cast or waiting.to_rule or waiting.to_justera):
        return []
    m = macros("home.md.j2", lang)
    blocks: list[Block] = [header(m.waiting_title().strip())]
    for view in waiting.to_cast:
        blocks.append(section(m.to_cast(view).strip()))
    for view, jav, question in waiting.to_rule:
        blocks += jav_ruling_request(view, jav, question, lang).blocks
    for record in waiting.to_justera:
        blocks += to_justera(record, lang)
    return blocks


def home_view(activities: Sequence[MyActivity], lang: str, waiting: Any = None) -> dict[str, Any]:
    """`waiting` is a `bot.services.jav.Waiting` (votes to cast, jäv to rule on), or None."""
    m = macros("home.md.j2", lang)
    blocks: list[Block] = _waiting(waiting, lang)
    blocks += [header(m.title().strip()), section(m.intro(len(activities)).strip())]
    # Each activity takes three blocks; the Home tab holds 100.
    for a in activities[: (MAX_BLOCKS_SURFACE - 3) // 3]:
        blocks += [divider(), section(m.item(a).strip()), _buttons(a.activity_id, lang)]
    return {"type": "home", "blocks": fit(blocks, MAX_BLOCKS_SURFACE)}


def reason_modal(
    action: ActionId, activity_id: int, lang: str, *, origin: tuple[str, str] | None = None
) -> dict[str, Any]:
    """`origin` is the channel and ts of the reminder DM the button was in, redrawn after the
    reason is saved if the bot's records say it posted that DM to this person."""
    m = macros("home.md.j2", lang)
    word = _WORD[action]
    meta: dict[str, Any] = {"activity": activity_id, "action": action.value}
    if origin:
        meta["origin"] = {"channel_id": origin[0], "message_ts": origin[1]}
    return {
        "type": "modal",
        "callback_id": CallbackId.REASON.value,
        "private_metadata": json.dumps(meta),
        "title": {"type": "plain_text", "text": clip(m.modal_title(word).strip(), 24)},
        "submit": {"type": "plain_text", "text": m.modal_submit().strip()},
        "close": {"type": "plain_text", "text": m.modal_cancel().strip()},
        "blocks": [
            {
                "type": "input",
                "block_id": BlockId.REASON.value,
                "label": {"type": "plain_text", "text": m.modal_label(word).strip()},
                "element": {
                    "type": "plain_text_input",
                    "action_id": ActionId.REASON_TEXT.value,
                    "multiline": True,
                    "max_length": 2000,
                },
            }
        ],
    }


def mine(activities: Sequence[MyActivity], lang: str) -> Message:
    """The `mina` reply: the Home tab's list as a private message, buttons included."""
    m, home = macros("mine.md.j2", lang), macros("home.md.j2", lang)
    if not activities:
        text = m.nothing().strip()
        return Message(text=text, blocks=[section(text)])
    heading = m.heading(len(activities)).strip()
    blocks: list[Block] = [section(heading)]
    items = [home.item(a).strip() for a in activities]
    # Two blocks an activity; a message holds 50.
    for a, item in zip(activities[: (MAX_BLOCKS_MESSAGE - 2) // 2], items, strict=False):
        blocks += [section(item), _buttons(a.activity_id, lang)]
    return Message(text="\n".join([heading, *items]), blocks=fit(blocks, MAX_BLOCKS_MESSAGE))
