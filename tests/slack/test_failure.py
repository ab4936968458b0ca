"""A listener that fails: the person is told privately, with a reference; an event keeps 500."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.slack import failure
from bot.slack.locale import Locales


def context(respond: Any = None) -> BoltContext:
    return BoltContext({"respond": respond} if respond else {})


def test_a_failed_dialog_shows_the_reference_under_its_first_field() -> None:
    body = {
        "type": "view_submission",
        "view": {"blocks": [{"type": "section"}, {"type": "input", "block_id": "reason"}]},
    }
    answer = failure.answer(KeyError("x"), body, context(), Locales())
    assert answer is not None and answer.status == 200
    sent = answer.body
    assert '"response_action": "errors"' in sent and '"reason"' in sent and "referens" in sent


def test_a_failed_dialog_without_fields_is_replaced_by_the_note() -> None:
    body = {"type": "view_submission", "view": {"blocks": []}}
    answer = failure.answer(KeyError("x"), body, context(), Locales())
    assert answer is not None and '"response_action": "update"' in answer.body


def test_a_failed_command_answers_privately() -> None:
    answer = failure.answer(KeyError("x"), {"command": "/forvaltning"}, context(), Locales())
    assert answer is not None and answer.status == 200
    assert '"response_type": "ephemeral"' in answer.body and "referens" in answer.body


def test_a_failed_click_is_told_through_its_response_url_even_if_that_fails() -> None:
    told: list[dict[str, Any]] = []

    def respond(**kwargs: Any) -> None:
        told.append(kwargs)
        raise OSError("response_url gone")

    answer = failure.answer(KeyError("x"), {"type": "block_actions"}, context(respond), Locales())
    assert answer is not None and (answer.status, answer.body) == (200, "")
    assert told and told[0]["response_type"] == "ephemeral" and "referens" in told[0]["text"]


def test_a_failed_event_keeps_bolts_500_so_slack_delivers_it_again() -> None:
    assert failure.answer(KeyError("x"), {"type": "event_callback"}, context(), Locales()) is None
