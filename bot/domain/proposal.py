"""The proposal the steering group votes on, and the decision in words.

The proposal is written as what follows "Styrgruppen beslutar att", so one text reads right both
as the proposal ("Styrgruppen beslutar att godkänna …") and as a rejection ("Styrgruppen avslår
förslaget att godkänna …"). People paste the whole sentence anyway, so a text that already
begins with the opening (in Swedish or English, any case) is not doubled, and a final period is
left to the sentence the proposal is put into.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.count import Outcome
from bot.domain.phase import Text

_OPENING = re.compile(
    r"^(?:styrgruppen\s+beslutar\b[\s,:]*(?:att\b)?"
    r"|the\s+steering\s+group\s+decides\b[\s,:]*(?:to\b)?"
    r"|att\b|to\b)[\s,:]*",
    re.IGNORECASE,
)
_SENTENCE_END = (".", "!", "?", "…")

DECIDES = Text("Styrgruppen beslutar att", "The steering group decides to")
REJECTS = Text("Styrgruppen avslår förslaget att", "The steering group rejects the proposal to")
NO_QUORUM = Text(
    "Styrgruppen är inte beslutsför; inget beslut fattas.",
    "The steering group has no quorum; no decision is made.",
)
REFERRED_BACK = Text(
    "Styrgruppen beslutar att återremittera ärendet.",
    "The steering group decides to refer the matter back.",
)


def normalize_proposal(text: str) -> str:
    """What follows "Styrgruppen beslutar att": trimmed, whitespace collapsed, the opening and a
    single final period removed ("m.m." keeps its abbreviation, "..." its ellipsis). Empty when
    nothing is left, which the caller refuses."""
    words = " ".join(text.split())
    # Repeated, so that "Styrgruppen beslutar att att …" loses its doubled "att" too.
    while (stripped := _OPENING.sub("", words, count=1).strip()) != words:
        words = stripped
    if words.endswith(".") and not words.endswith(".."):
        words = words[:-1].rstrip()
    return words


@dataclass(frozen=True, slots=True)
class DecisionText:
    """The decision in words: the opening is the bot's, the proposal the person's (shown as
    their text, quoted or in italics, by the messages)."""

    opening: Text
    proposal: str | None

    def in_(self, lang: str) -> str:
        opening = self.opening.in_(lang)
        if self.proposal is None:
            return opening
        end = "" if self.proposal.endswith(_SENTENCE_END) else "."
        return f"{opening} {self.proposal}{end}"


def decision_text(outcome: Outcome, proposal: str) -> DecisionText:
    """ "Styrgruppen beslutar att …" or "Styrgruppen avslår förslaget att …"; for Ej beslutsför
    and Återremitterad a sentence without the proposal, since nothing was decided on it."""
    if outcome is Outcome.approved:
        return DecisionText(DECIDES, normalize_proposal(proposal))
    if outcome is Outcome.rejected:
        return DecisionText(REJECTS, normalize_proposal(proposal))
    if outcome is Outcome.no_quorum:
        return DecisionText(NO_QUORUM, None)
    return DecisionText(REFERRED_BACK, None)
