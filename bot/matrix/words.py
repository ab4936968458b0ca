"""Matrix's own subcommands beside the shared table: `rösta` (Slack votes with buttons) and
`språk` (Slack knows each person's locale; Matrix does not)."""

from __future__ import annotations

import messages
from bot.conversation import Answer, Asked
from bot.domain.voting import Choice
from bot.services import ballots, votes

VOTE_WORDS = frozenset({"rösta", "rosta", "vote"})
LANGUAGE_WORDS = frozenset({"språk", "sprak", "language"})
CHOICE_WORDS = {
    "ja": Choice.yes,
    "yes": Choice.yes,
    "nej": Choice.no,
    "no": Choice.no,
    "avstår": Choice.abstain,
    "avstar": Choice.abstain,
    "abstain": Choice.abstain,
}


def vote(asked: Asked, choice: Choice, vote_id: int | None = None) -> Answer:
    """`rösta ja|nej|avstår` in the vote's or the project's room, or a reaction (`vote_id`)."""
    found = vote_id
    if found is None:
        found = ballots.open_vote_id(asked.services, asked.actor, asked.channel)
    ballot = votes.cast(asked.services, asked.actor, found, choice)
    asked.notify()
    return Answer(
        messages.vote_receipt(
            ballot.vote, ballot.choice, ballot.changed, ballot.closed_now, asked.lang
        )
    )


def matrix_word(text: str) -> tuple[str, str] | None:
    """`rösta …` or `språk …`, Matrix's own subcommands: (which, the argument), else None."""
    head, _, rest = text.strip().partition(" ")
    word = head.lower()
    if word in VOTE_WORDS:
        return "vote", rest.strip().lower()
    if word in LANGUAGE_WORDS:
        return "language", rest.strip().lower()
    return None
