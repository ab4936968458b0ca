"""The announcement tells stakeholders what the milestone says they are told, in both languages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.decision import VoteView
from bot.domain.voting import Choice, CloseReason, Electorate
from bot.phases import load_phase
from messages import announcement

OPENED = datetime(2026, 11, 23, 8, tzinfo=UTC)
CLOSED = datetime(2026, 11, 25, 14, tzinfo=UTC)


def approved() -> VoteView:
    milestone = load_phase().milestone
    return VoteView(
        vote_id=1,
        team_id="T1",
        project_name="Kommunen X",
        project_channel="C1",
        lead_id="U9",
        milestone=milestone,
        documents=tuple((d, f"https://intra.kommun.se/{d.key}") for d in milestone.documents),
        electorate=Electorate(frozenset({"U1", "U2", "U3"}), "U1", frozenset()),
        ballots={"U1": Choice.yes, "U2": Choice.yes, "U3": Choice.no},
        channel_id="C2",
        message_ts="1.1",
        opened_by="U9",
        opened_at=OPENED,
        deadline=CLOSED,
        is_open=False,
        closed_at=CLOSED,
        closed_by="U1",
        close_reason=CloseReason.chair,
    )


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("sv", "*Information:* Fattat beslut kommuniceras till berörda intressenter."),
        ("en", "*Information:* The decision is communicated to the affected stakeholders."),
    ],
)
def test_the_announcement_carries_the_milestones_information_line(lang: str, line: str) -> None:
    message = announcement(approved(), "https://slack.test/archives/C2/p1", lang)
    assert line in message.text
    contexts = [e["text"] for b in message.blocks if b["type"] == "context" for e in b["elements"]]
    assert line in contexts


@pytest.mark.parametrize(
    ("lang", "who", "held"),
    [
        (
            "sv",
            "*Projektkanal:* <#C1> · *Projektledare:* <@U9> · *Styrgrupp:* <@U1>, <@U2>, <@U3>",
            "Omröstningen hölls i <#C2>.",
        ),
        (
            "en",
            "*Project channel:* <#C1> · *Project lead:* <@U9> · "
            "*Steering group:* <@U1>, <@U2>, <@U3>",
            "The vote was held in <#C2>.",
        ),
    ],
)
def test_the_announcement_says_whose_decision_and_where_the_vote_was(
    lang: str, who: str, held: str
) -> None:
    """So a look-alike project cannot pass for the real one: its channel and people show."""
    linked = announcement(approved(), "https://slack.test/archives/C2/p1", lang)
    assert who in linked.text
    assert "<https://slack.test/archives/C2/p1|" in linked.text and "(<#C2>)" in linked.text
    unlinked = announcement(approved(), None, lang)  # Slack gave no permalink
    assert who in unlinked.text and held in unlinked.text
