"""The meeting's rules in messages: the jäv and återremiss dialogs, the ruling DM, receipts."""

from __future__ import annotations

import json
from typing import Any

from bot.domain.decision import VoteView
from bot.domain.jav import Jav, JavGround
from messages.blocks import Block, clip, section
from messages.environment import macros
from messages.ids import ActionId, BlockId, CallbackId, InputId
from messages.message import Message


def _text(macro: Any, *args: Any) -> str:
    return str(macro(*args)).strip()


def _reason_input(label: str, *, optional: bool) -> Block:
    return {
        "type": "input",
        "block_id": BlockId.REASON.value,
        "optional": optional,
        "label": {"type": "plain_text", "text": clip(label, 2000)},
        "element": {
            "type": "plain_text_input",
            "action_id": ActionId.REASON_TEXT.value,
            "multiline": True,
            "max_length": 2000,
        },
    }


def _modal(callback: CallbackId, vote_id: int, title: str, submit: str, blocks: list[Block]) -> Any:
    return {
        "type": "modal",
        "callback_id": callback.value,
        "private_metadata": json.dumps({"vote": vote_id}),
        "title": {"type": "plain_text", "text": clip(title, 24)},
        "submit": {"type": "plain_text", "text": clip(submit, 24)},
        "blocks": blocks,
    }


def jav_modal(vote_id: int, lang: str) -> dict[str, Any]:
    """Jäv…: the ground (optional for one's own) and the motivation."""
    m = macros("meeting.md.j2", lang)
    options = [
        {"text": {"type": "plain_text", "text": _text(m.ground_option, g.value)}, "value": g.value}
        for g in JavGround
    ]
    ground: Block = {
        "type": "input",
        "block_id": BlockId.JAV_GROUND.value,
        "optional": True,
        "label": {"type": "plain_text", "text": _text(m.jav_ground_label)},
        "element": {
            "type": "static_select",
            "action_id": InputId.JAV_GROUND.value,
            "options": options,
        },
    }
    reason = _reason_input(_text(m.jav_reason_label), optional=True)
    blocks = [ground, reason]
    return _modal(CallbackId.JAV, vote_id, _text(m.jav_title), _text(m.submit), blocks)  # type: ignore[no-any-return]


def refer_back_modal(vote_id: int, lang: str) -> dict[str, Any]:
    m = macros("meeting.md.j2", lang)
    blocks = [_reason_input(_text(m.refer_label), optional=False)]
    return _modal(CallbackId.REFER_BACK, vote_id, _text(m.refer_title), _text(m.submit), blocks)  # type: ignore[no-any-return]


def jav_ruling_request(view: VoteView, jav: Jav, question_id: int, lang: str) -> Message:
    """The DM to the one who rules, with Jävig / Inte jävig."""
    m = macros("meeting.md.j2", lang)
    text = _text(m.ruling_request, view, jav)
    buttons = [
        (ActionId.JAV_JAVIG, _text(m.javig_button), "danger"),
        (ActionId.JAV_NOT_JAVIG, _text(m.not_javig_button), "primary"),
    ]
    actions: Block = {
        "type": "actions",
        "block_id": BlockId.JAV_RULING.value,
        "elements": [
            {
                "type": "button",
                "action_id": action.value,
                "text": {"type": "plain_text", "text": clip(label, 75)},
                "value": str(question_id),
                "style": style,
            }
            for action, label, style in buttons
        ],
    }
    return Message(text=text, blocks=[section(text), actions])


def jav_step(step: Any, lang: str) -> Message:
    """The receipt of a jäv step (a `bot.services.jav.JavStep`)."""
    text = _text(macros("meeting.md.j2", lang).jav_step, step)
    return Message(text=text, blocks=[section(text)])


def _say(macro: str, lang: str, *args: Any) -> Message:
    text = _text(getattr(macros("meeting.md.j2", lang), macro), *args)
    return Message(text=text, blocks=[section(text)])


def absence_recorded(view: VoteView, lang: str) -> Message:
    return _say("absent", lang, view)


def referred_back(view: VoteView, lang: str) -> Message:
    return _say("referred", lang, view)


def note_recorded(closed: bool, lang: str) -> Message:
    return _say("noted", lang, closed)
