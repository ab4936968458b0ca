from typing import Any

import pytest

from bot.emulator.blocks import find_action, problems

BUTTON: dict[str, Any] = {
    "type": "button",
    "action_id": "klar",
    "value": "1",
    "text": {"type": "plain_text", "text": "Klar"},
}


@pytest.mark.parametrize(
    ("blocks", "complaint"),
    [
        ("not a list", "array"),
        ([{"text": "no type"}], "type"),
        ([{"type": "divider"}] * 51, "50"),
        ([{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}], "3001"),
        ([{"type": "actions", "elements": [{**BUTTON, "text": {"text": "x" * 76}}]}], "75"),
        ([{"type": "actions", "elements": [{**BUTTON, "action_id": "a" * 256}]}], "255"),
    ],
)
def test_problems_name_the_broken_limit(blocks: object, complaint: str) -> None:
    [found] = problems(blocks)
    assert complaint in found


def test_valid_blocks_have_no_problems() -> None:
    assert problems([{"type": "actions", "elements": [BUTTON]}]) == []


def test_find_action_in_actions_and_accessories() -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "section", "block_id": "s", "accessory": {**BUTTON, "value": "2"}},
        {"type": "actions", "elements": [BUTTON]},
    ]
    assert find_action(blocks, "klar") == ("s", {**BUTTON, "value": "2"})
    assert find_action(blocks, "klar", "1") == ("b1", BUTTON)
    assert find_action(blocks, "klar", "3") is None
