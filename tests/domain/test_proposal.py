"""The proposal as written, and the decision in words."""

from __future__ import annotations

import pytest

from bot.domain.count import Outcome
from bot.domain.proposal import decision_text, normalize_proposal


@pytest.mark.parametrize(
    ("typed", "proposal"),
    [
        ("godkänna Milstolpe VII", "godkänna Milstolpe VII"),
        ("  godkänna   Milstolpe VII  ", "godkänna Milstolpe VII"),
        ("godkänna Milstolpe VII.", "godkänna Milstolpe VII"),
        ("Styrgruppen beslutar att godkänna Milstolpe VII.", "godkänna Milstolpe VII"),
        ("STYRGRUPPEN BESLUTAR ATT godkänna", "godkänna"),
        ("styrgruppen  beslutar\natt godkänna", "godkänna"),
        ("Styrgruppen beslutar att att godkänna", "godkänna"),
        ("att godkänna", "godkänna"),
        ("Styrgruppen beslutar, att godkänna", "godkänna"),
        ("The steering group decides to approve the milestone.", "approve the milestone"),
        ("to approve", "approve"),
        ("godkänna planen m.m.", "godkänna planen m.m"),
        ("godkänna ...", "godkänna ..."),
        ("godkänna planen?", "godkänna planen?"),
        ("attestera fakturan", "attestera fakturan"),
        ("Styrgruppen beslutar att", ""),
        ("   ", ""),
    ],
)
def test_normalize_proposal(typed: str, proposal: str) -> None:
    assert normalize_proposal(typed) == proposal


@pytest.mark.parametrize(
    ("outcome", "proposal", "sv", "en"),
    [
        (
            Outcome.approved,
            "Styrgruppen beslutar att godkänna Milstolpe VII.",
            "Styrgruppen beslutar att godkänna Milstolpe VII.",
            "The steering group decides to godkänna Milstolpe VII.",
        ),
        (
            Outcome.rejected,
            "godkänna Milstolpe VII",
            "Styrgruppen avslår förslaget att godkänna Milstolpe VII.",
            "The steering group rejects the proposal to godkänna Milstolpe VII.",
        ),
        (
            Outcome.approved,
            "godkänna planen m.m.",
            "Styrgruppen beslutar att godkänna planen m.m.",
            "The steering group decides to godkänna planen m.m.",
        ),
        (
            Outcome.no_quorum,
            "godkänna",
            "Styrgruppen är inte beslutsför; inget beslut fattas.",
            "The steering group has no quorum; no decision is made.",
        ),
        (
            Outcome.referred_back,
            "godkänna",
            "Styrgruppen beslutar att återremittera ärendet.",
            "The steering group decides to refer the matter back.",
        ),
    ],
)
def test_decision_text(outcome: Outcome, proposal: str, sv: str, en: str) -> None:
    text = decision_text(outcome, proposal)
    assert (text.in_("sv"), text.in_("en")) == (sv, en)


def test_the_proposal_stays_apart_from_the_bots_words() -> None:
    """So the messages can show the person's text as theirs (quoted or in italics)."""
    text = decision_text(Outcome.rejected, "Styrgruppen beslutar att *godkänna*")
    assert text.proposal == "*godkänna*"
    assert text.opening.sv == "Styrgruppen avslår förslaget att"
    assert decision_text(Outcome.no_quorum, "godkänna").proposal is None
