"""Block Kit as the fake Slack sees it: the limits it enforces and the buttons it can press."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

JsonDict = dict[str, Any]

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_BUTTON_TEXT = 75
MAX_ACTION_ID = 255
MAX_ACTIONS_ELEMENTS = 25


def _text_of(obj: Any) -> str:
    if isinstance(obj, dict):
        return str(obj.get("text", ""))
    return ""


def _elements(block: JsonDict) -> Iterator[JsonDict]:
    """Interactive elements of a block: an actions block's elements, a section's accessory."""
    for element in block.get("elements", []) if block.get("type") == "actions" else []:
        if isinstance(element, dict):
            yield element
    accessory = block.get("accessory")
    if isinstance(accessory, dict):
        yield accessory
    element = block.get("element")
    if block.get("type") == "input" and isinstance(element, dict):
        yield element


def problems(blocks: Any, *, max_blocks: int = MAX_MESSAGE_BLOCKS) -> list[str]:
    """What Slack would reject in these blocks; empty when they pass.

    Only the limits a bot realistically trips are checked, so a passing list is not proof that
    Slack accepts the payload, but a failing one is proof it would not.
    """
    if not isinstance(blocks, list):
        return ["blocks must be an array"]
    found: list[str] = []
    if len(blocks) > max_blocks:
        found.append(f"no more than {max_blocks} items allowed [json-pointer:/blocks]")
    for i, block in enumerate(blocks):
        where = f"[json-pointer:/blocks/{i}]"
        if not isinstance(block, dict) or "type" not in block:
            found.append(f"missing required field: type {where}")
            continue
        if block["type"] == "section" and len(_text_of(block.get("text"))) > MAX_SECTION_TEXT:
            found.append(f"must be less than {MAX_SECTION_TEXT + 1} characters {where}/text")
        if block["type"] == "actions" and len(block.get("elements", [])) > MAX_ACTIONS_ELEMENTS:
            found.append(f"no more than {MAX_ACTIONS_ELEMENTS} items allowed {where}/elements")
        for element in _elements(block):
            if len(str(element.get("action_id", ""))) > MAX_ACTION_ID:
                found.append(f"action_id must be at most {MAX_ACTION_ID} characters {where}")
            if element.get("type") == "button" and len(_text_of(element.get("text"))) > (
                MAX_BUTTON_TEXT
            ):
                found.append(f"button text must be at most {MAX_BUTTON_TEXT} characters {where}")
    return found


def find_action(
    blocks: list[JsonDict], action_id: str, value: str | None = None
) -> tuple[str, JsonDict] | None:
    """The (block_id, element) a user would click, matched by action_id and, if given, value."""
    for i, block in enumerate(blocks):
        for element in _elements(block):
            if element.get("action_id") != action_id:
                continue
            if value is not None and element.get("value") != value:
                continue
            # Slack fills in a random block_id when the app gave none; a stable one is kinder.
            return str(block.get("block_id", f"b{i}")), element
    return None
