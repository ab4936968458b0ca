"""The record's life in messages: the justering DM and its dialog, Begär ändring, the anslag,
and the words beside the justerat record's PDF in the project's channel."""

from __future__ import annotations

from typing import Any

from bot.domain.minutes import Minutes
from messages.blocks import MAX_BLOCKS_MESSAGE, Block, clip, fit, section
from messages.decision import minutes, text_modal
from messages.environment import macros
from messages.ids import ActionId, BlockId, CallbackId
from messages.message import Message


def _text(macro: Any, *args: Any) -> str:
    return str(macro(*args)).strip()


def _say(macro: str, lang: str, *args: Any) -> Message:
    text = _text(getattr(macros("record.md.j2", lang), macro), *args)
    return Message(text=text, blocks=[section(text)])


def justering_request(x: Minutes, vote_id: int, lang: str) -> Message:
    """The DM to the chair and the justerare: the record, *Justera* / *Begär ändring…*."""
    m = macros("record.md.j2", lang)
    intro = _text(m.request, x)
    record = minutes(x.record, x.reservations, (), lang, x.notes, life=x)
    actions = justering_actions(vote_id, lang)
    blocks = fit([section(intro), *record.blocks, actions], MAX_BLOCKS_MESSAGE)
    if blocks[-1] is not actions:  # a long record: the buttons must stay
        blocks = [*blocks[: MAX_BLOCKS_MESSAGE - 1], actions]
    return Message(text=f"{intro}\n\n{record.text}", blocks=blocks)


def justering_actions(vote_id: int, lang: str) -> Block:
    m = macros("record.md.j2", lang)
    buttons = [
        (ActionId.JUSTERA, _text(m.justera_button), "primary"),
        (ActionId.REQUEST_CHANGE, _text(m.change_button), None),
    ]
    return {
        "type": "actions",
        "block_id": BlockId.JUSTERING.value,
        "elements": [
            {
                "type": "button",
                "action_id": action.value,
                "text": {"type": "plain_text", "text": clip(label, 75)},
                "value": str(vote_id),
                **({"style": style} if style else {}),
            }
            for action, label, style in buttons
        ],
    }


def to_justera(x: Minutes, lang: str) -> list[Block]:
    """On App Home: a record waiting for this person's justering, with the buttons."""
    assert x.justering is not None
    return [
        section(_text(macros("record.md.j2", lang).to_justera, x)),
        justering_actions(x.justering.vote_id, lang),
    ]


def change_modal(vote_id: int, lang: str) -> dict[str, Any]:
    m = macros("record.md.j2", lang)
    texts = (_text(m.change_title), _text(m.send), _text(m.change_label))
    return text_modal(CallbackId.CHANGE_REQUEST, vote_id, *texts)


def change_requested(project: str, user: str, text: str, lang: str) -> Message:
    return _say("change_requested", lang, project, user, text)


def change_request_sent(lead: str, lang: str) -> Message:
    """The receipt of a written Begär ändring: who was told."""
    return _say("change_request_sent", lang, lead)


def anslag(x: Minutes, lang: str) -> Message:
    return _say("anslag", lang, x)


def record_filed(x: Minutes, lang: str) -> Message:
    """Beside the justerat record's PDF in the project's channel (the upload's comment)."""
    return _say("filed", lang, x)


def record_file_title(x: Minutes, lang: str) -> str:
    """The PDF's title in Slack, plain text."""
    return _text(macros("record.md.j2", lang).file_title, x)


def justerat_receipt(x: Minutes, lang: str) -> Message:
    return _say("justerat_receipt", lang, x)


def corrected(x: Minutes, lang: str) -> Message:
    return _say("corrected", lang, x)
