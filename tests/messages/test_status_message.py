"""The status message in both languages: escaped, inside Block Kit's limits, with a fallback."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.domain.activities import ActivityState, ActivityStatus, with_derived_parents
from bot.domain.phase import ActivityDef, Phase, Text
from bot.domain.project import ProjectView
from bot.phases import load_phase
from messages import status
from messages.blocks import MAX_BLOCKS_MESSAGE, MAX_HEADER_TEXT, MAX_SECTION_TEXT

HOSTILE = "<!channel> *fet* _kursiv_ & <@U1> 🎉 " + "å" * 170


def view(phase: Phase, name: str = "Kommunen X", note: str | None = None) -> ProjectView:
    raw = [
        ActivityState(a, ActivityStatus.IN_PROGRESS, "U1", date(2026, 11, 1), note)
        for a in phase.activities
    ]
    return ProjectView(
        id=1,
        name=name,
        channel_id="C1",
        lead_id="U9",
        created_at=datetime(2026, 11, 1, tzinfo=UTC),
        phase=phase,
        activities=with_derived_parents(phase, raw),
        documents=tuple((d, None) for d in phase.milestone.documents),
        members=(),
        chair=None,
        today=date(2026, 11, 27),
    )


def big_phase(count: int) -> Phase:
    """The shipped template grown to `count` activities with long, hostile titles."""
    phase = load_phase()
    extra = tuple(
        ActivityDef(number=str(10 + i), key=f"extra-{i}", title=Text(sv=HOSTILE, en=HOSTILE))
        for i in range(count - len(phase.activities))
    )
    return replace(phase, activities=phase.activities + extra)


def check_limits(blocks: list[dict[str, object]]) -> None:
    assert len(blocks) <= MAX_BLOCKS_MESSAGE
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict):
            limit = MAX_HEADER_TEXT if block["type"] == "header" else MAX_SECTION_TEXT
            assert len(text["text"]) <= limit


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("count", [7, 70, 300])
def test_large_templates_stay_within_block_kit_limits(lang: str, count: int) -> None:
    message = status(view(big_phase(count), note=HOSTILE), lang)
    check_limits(message.blocks)
    assert message.text


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_hostile_input_is_escaped(lang: str) -> None:
    message = status(view(big_phase(8), name=HOSTILE, note=HOSTILE), lang)
    sections = "\n".join(b["text"]["text"] for b in message.blocks if b["type"] == "section")
    assert "<!channel>" not in sections and "&lt;!channel&gt;" in sections
    assert "<!channel>" not in message.text
    assert "& " not in sections.replace("&amp; ", "")
    assert message.blocks[0]["text"]["text"].startswith(
        ("Projekt: <!channel>", "Project: <!channel>")
    )


def test_overdue_is_marked_in_both_languages() -> None:
    assert "*försenad*" in status(view(load_phase()), "sv").blocks[3]["text"]["text"]
    assert "*overdue*" in status(view(load_phase()), "en").blocks[3]["text"]["text"]
