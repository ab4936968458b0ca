"""The vote message, the voter's receipt, the non-voter reminder, the milestone replies."""

from __future__ import annotations

from typing import Any

from bot.domain.count import Outcome
from bot.domain.decision import VoteSubject, VoteView
from bot.domain.project import ProjectView
from messages.blocks import Block, clip, context, section, sections, title
from messages.decision import reservation_button
from messages.environment import macros, mrkdwn
from messages.ids import ActionId, BlockId
from messages.message import Message

VOTE_BUTTONS = (
    (ActionId.VOTE_YES, "yes", "primary"),
    (ActionId.VOTE_NO, "no", "danger"),
    (ActionId.VOTE_ABSTAIN, "abstain", None),
)


def _text(macro: Any, *args: Any) -> str:
    return str(macro(*args)).strip()


def _button(action: ActionId, label: str, vote_id: int, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "action_id": action.value,
        "text": {"type": "plain_text", "text": clip(label, 75)},
        "value": str(vote_id),
    }
    if style:
        button["style"] = style
    return button


def vote_message(view: VoteView, lang: str) -> Message:
    """Everything the steering group decides on, the live tally, and the buttons while open."""
    m = macros("vote.md.j2", lang)
    texts = [
        _text(m.intro, view),
        _text(m.documents, view),
        _text(m.members, view) + "\n" + _text(m.deadline, view),
        _text(m.proposal, view),
        _text(m.tally, view),
    ]
    blocks: list[Block] = [title(_text(m.title, view))]
    for text in texts:
        blocks += sections(text)
    quorum = _text(m.quorum, view)
    blocks.append(context(quorum))
    if view.is_open:
        blocks.append(context(_text(m.open_actions_hint, view)))
        blocks.append(
            {
                "type": "actions",
                "block_id": BlockId.VOTE,
                "elements": [
                    *(
                        _button(action, _text(m.choice_word, word), view.vote_id, style)
                        for action, word, style in VOTE_BUTTONS
                    ),
                    _button(ActionId.VOTE_ABSENT, _text(m.absent_button), view.vote_id),
                    _button(ActionId.VOTE_CONFLICT, _text(m.conflict_button), view.vote_id),
                    _button(ActionId.VOTE_REFER_BACK, _text(m.refer_back_button), view.vote_id),
                    _button(ActionId.VOTE_CLOSE, _text(m.close_button), view.vote_id),
                ],
            }
        )
    else:
        decision = _text(m.decision, view)
        texts.append(decision)
        blocks += sections(decision, block_id=BlockId.VOTE_DECISION)
        if view.outcome in (Outcome.approved, Outcome.rejected):
            # Only a decision can be reserved against (KL 4 kap. 27 §).
            blocks.append(reservation_button(view.vote_id, lang))
    # The header is plain text; the fallback is mrkdwn, where a name could mention @channel.
    heading = mrkdwn(_text(m.title, view))
    return Message(text="\n\n".join([heading, *texts, quorum]), blocks=blocks)


def vote_receipt(
    view: VoteView | VoteSubject, choice: str, changed: bool, closed_now: bool, lang: str
) -> Message:
    """A ballot's private receipt. A subject names the vote; only a view knows how it closed."""
    assert not closed_now or isinstance(view, VoteView)
    text = _text(macros("vote_receipt.md.j2", lang).body, view, choice, changed, closed_now)
    return Message(text=text, blocks=[section(text)])


def vote_reminder(view: VoteView, lang: str) -> Message:
    text = _text(macros("vote_reminder.md.j2", lang).body, view)
    return Message(text=text, blocks=[section(text)])


def milestone_not_ready(view: ProjectView, lang: str) -> Message:
    text = _text(macros("milestone.md.j2", lang).not_ready, view)
    return Message(text=text, blocks=[section(text)])


def vote_opened(view: VoteView, lang: str) -> Message:
    text = _text(macros("milestone.md.j2", lang).opened, view)
    return Message(text=text, blocks=[section(text)])


def vote_closed(view: VoteView, lang: str) -> Message:
    text = _text(macros("milestone.md.j2", lang).closed, view)
    return Message(text=text, blocks=[section(text)])
