"""After the vote: the announcement, reservations, the decision record, failed delivery."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from bot.domain.decision import VoteView
from bot.domain.minutes import Minutes
from messages.blocks import (
    MAX_BLOCKS_MESSAGE,
    Block,
    clip,
    context,
    fit,
    pack,
    section,
    sections,
    title,
)
from messages.environment import macros, mrkdwn
from messages.ids import ActionId, BlockId, CallbackId
from messages.message import Message


def _text(macro: Any, *args: Any) -> str:
    return str(macro(*args)).strip()


def announcement(
    view: VoteView, permalink: str | None, lang: str, justerare: Sequence[str] = ()
) -> Message:
    """What the decision means, in words a stakeholder understands, with the vote and basis;
    `justerare`: who will justera the record."""
    m = macros("announcement.md.j2", lang)
    texts = [_text(m.outcome, view), _text(m.votes, view), _text(m.documents, view)]
    blocks: list[Block] = [title(_text(m.title, view))]
    for text in texts:
        blocks += sections(text)
    # The milestone's own line on who is told (the seed: the affected stakeholders).
    # Whose decision, and where it was taken: always, even when Slack gave no permalink.
    footer = [_text(m.information, view), _text(m.who, view), _text(m.vote_place, view, permalink)]
    if justerare:
        footer.append(_text(m.justerare, list(justerare)))
    blocks += [context(t) for t in footer]
    texts += footer
    return Message(text="\n\n".join([mrkdwn(_text(m.title, view)), *texts]), blocks=blocks)


def reservation_button(vote_id: int, lang: str) -> Block:
    label = _text(macros("reservation.md.j2", lang).button)
    return {
        "type": "actions",
        "block_id": BlockId.RESERVATION,
        "elements": [
            {
                "type": "button",
                "action_id": ActionId.RESERVE.value,
                "text": {"type": "plain_text", "text": clip(label, 75)},
                "value": str(vote_id),
            }
        ],
    }


def reservation_modal(vote_id: int, lang: str) -> dict[str, Any]:
    m = macros("reservation.md.j2", lang)
    texts = (_text(m.modal_title), _text(m.modal_submit), _text(m.modal_label))
    return text_modal(CallbackId.RESERVATION, vote_id, *texts)


def text_modal(
    callback: CallbackId, vote_id: int, title: str, submit: str, label: str
) -> dict[str, Any]:
    """A dialog about one vote asking one required text (its reason, what is wrong)."""
    return {
        "type": "modal",
        "callback_id": callback.value,
        "private_metadata": json.dumps({"vote": vote_id}),
        "title": {"type": "plain_text", "text": clip(title, 24)},
        "submit": {"type": "plain_text", "text": clip(submit, 24)},
        "blocks": [
            {
                "type": "input",
                "block_id": BlockId.REASON.value,
                "label": {"type": "plain_text", "text": clip(label, 2000)},
                "element": {
                    "type": "plain_text_input",
                    "action_id": ActionId.REASON_TEXT.value,
                    "multiline": True,
                    "max_length": 2000,
                },
            }
        ],
    }


def reservation_posted(user: str, reason: str, lang: str) -> Message:
    text = _text(macros("reservation.md.j2", lang).posted, user, reason)
    return Message(text=text, blocks=sections(text))


def minutes(
    record: Mapping[str, Any],
    reservations: Sequence[Mapping[str, str]],
    failed: Sequence[str],
    lang: str,
    notes: Sequence[Mapping[str, str]] = (),
    life: Minutes | None = None,
) -> Message:
    """The record; `life` adds what came after the close: diarienummer, §, rättelser,
    justering and the checksum."""
    m = macros("minutes.md.j2", lang)
    heading = _text(m.title, record)
    body = _text(m.body, record, reservations, failed, notes)
    if life is not None:
        r = macros("record.md.j2", lang)
        body = "\n".join([_text(r.filing, life), body, _text(r.after, life)])
    blocks = [title(heading), *(section(t) for t in pack(body.split("\n"), fill=True))]
    return Message(text=f"{mrkdwn(heading)}\n\n{body}", blocks=fit(blocks, MAX_BLOCKS_MESSAGE))


# Slack's slash command; on Matrix the bot's own id is named (bot/matrix/deliveries.py).
SLACK_INVITE = "/invite @Förvaltningsbot"


def delivery_failed(
    view: VoteView,
    channel: str,
    private: bool,
    error: str,
    lang: str,
    *,
    vote_message: bool = False,
    invite: str = SLACK_INVITE,
) -> Message:
    """`invite`: how the reader invites the bot, on the platform the channel is on."""
    m = macros("delivery_failed.md.j2", lang)
    body = m.vote_message if vote_message else m.body
    text = _text(body, view, channel, private, error, invite)
    return Message(text=text, blocks=[section(text)])
