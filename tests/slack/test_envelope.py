"""The envelope: a signed body read once, the way Bolt reads it, and held to Slack's shapes."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from slack_bolt.request.internals import parse_body

from bot.slack.envelope import Envelope, Kind, Malformed, Unreadable, open_envelope, read
from tests.slack.support import (
    CLICK,
    COMMAND,
    EVENT,
    FORM,
    JSON,
    SUBMISSION,
    TEAM,
    changed,
    form,
    payload,
)


@pytest.mark.parametrize(
    ("raw", "content_type", "kind"),
    [
        (form(COMMAND), FORM, Kind.COMMAND),
        (payload(CLICK), FORM, Kind.BLOCK_ACTIONS),
        (payload(SUBMISSION), FORM, Kind.VIEW_SUBMISSION),
        (json.dumps(EVENT).encode(), JSON, Kind.EVENT),
        (json.dumps(EVENT).encode(), "application/json; charset=utf-8", Kind.EVENT),
        (b'{"type": "url_verification", "challenge": "c"}', JSON, Kind.URL_VERIFICATION),
        (payload(changed(CLICK, "team", None)), FORM, Kind.BLOCK_ACTIONS),  # org-wide install
        (payload(changed(SUBMISSION, "view.private_metadata")), FORM, Kind.VIEW_SUBMISSION),
        (payload(changed(CLICK, "container", {"type": "view", "view_id": "V1"})), FORM, "ok"),
    ],
)
def test_what_slack_sends_is_opened(raw: bytes, content_type: str, kind: Kind | str) -> None:
    opened = open_envelope(raw, content_type)
    assert isinstance(opened, Envelope), opened
    assert kind == "ok" or opened.kind is kind
    assert opened.team_id == ("" if opened.kind is Kind.URL_VERIFICATION else TEAM)


@pytest.mark.parametrize(
    "raw",
    [form(COMMAND), payload(CLICK), payload(SUBMISSION), json.dumps(EVENT).encode(), b"a=1&b="],
)
def test_read_agrees_with_bolt(raw: bytes) -> None:
    content_type = JSON if raw.startswith(b"{") else FORM
    assert read(raw, content_type) == parse_body(raw.decode(), content_type)


def test_a_command_whose_text_says_payload_is_read_as_written() -> None:
    # Bolt looks for "payload" anywhere in a form and, finding no such field, reads it as empty;
    # we read the command as written (and the gate hands Bolt what we read: test_gate).
    raw = form({**COMMAND, "text": "klar 1.2 payload levererad"})
    assert parse_body(raw.decode(), FORM) == {}
    assert read(raw, FORM)["text"] == "klar 1.2 payload levererad"
    assert not isinstance(open_envelope(raw, FORM), Malformed)


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        (b"\xff\xfe\x00", FORM),
        (b"{not json", JSON),
        (b"payload=%7Bnot+json", FORM),
        (b'{"a": NaN}', JSON),
        (form({"payload": '{"a": Infinity}'}), FORM),
        (b'{"a": "\\u0000"}', JSON),
        (b'{"a": "\\ud800"}', JSON),
        (b"text=%00&command=%2Fx", FORM),
        (b"[" * 100_000 + b"]" * 100_000, JSON),
        (b"1" * 5000, JSON),
    ],
)
def test_what_cannot_be_read_is_unreadable(raw: bytes, content_type: str) -> None:
    assert isinstance(open_envelope(raw, content_type), Unreadable)


@pytest.mark.parametrize(
    "escaped",
    [
        r"Beslut \ud83d\ude00",  # an emoji as JSON may escape it: a pair, one code point
        r"\\u0000 as written",  # a backslash, then the text u0000: no NUL at all
        r"\u00d6verl\u00e4mning",
    ],
)
def test_escapes_that_make_storable_strings_are_read(escaped: str) -> None:
    body = json.dumps({**CLICK, "note": None}).replace('"note": null', f'"note": "{escaped}"')
    opened = open_envelope(body.encode(), JSON)
    assert isinstance(opened, Envelope)
    assert opened.body["note"] == json.loads(f'"{escaped}"')


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ([1, 2], "a JSON list"),
        ("a string", "a JSON str"),
        ({"type": "view_closed"}, "not a kind"),
        ({"type": ["block_actions"]}, "not a kind"),
        ({}, "not a kind"),
        (changed(CLICK, "user"), "user: missing"),
        (changed(CLICK, "user", "U0001"), "user: not an object"),
        (changed(CLICK, "user.id", 7), "user.id: not a string"),
        (changed(CLICK, "user.id", "u-lowercase"), "user.id: not the string"),
        (changed(CLICK, "user.id", "U" * 33), "user.id: not the string"),
        (changed(changed(CLICK, "team"), "user.team_id"), "no team"),
        (changed(CLICK, "team", [TEAM]), "team: not an object"),
        (changed(CLICK, "actions", []), "actions: 0 items"),
        (changed(CLICK, "actions", {"action_id": "x"}), "actions: not a list"),
        (changed(CLICK, "actions.0.action_id"), "actions[0].action_id: missing"),
        (changed(CLICK, "actions.0.value", 12), "actions[0].value: not a string"),
        (changed(CLICK, "trigger_id"), "trigger_id: missing"),
        (changed(CLICK, "container", "message"), "container: not an object"),
        (changed(CLICK, "container.channel_id"), "container.channel_id: missing"),
        (changed(CLICK, "response_url"), "response_url: missing"),
        (changed(CLICK, "response_url", "file:///etc/passwd"), "response_url: not the string"),
        (changed(CLICK, "message.blocks", [1]), "message.blocks[0]: not an object"),
        (changed(CLICK, "authorizations", "x"), "authorizations: not a list"),
        (changed(CLICK, "enterprise", [1]), "enterprise: not an object"),
        (changed(CLICK, "command", "/forvaltning"), "team_id: missing"),
        (changed(SUBMISSION, "view"), "view: missing"),
        (changed(SUBMISSION, "view.state"), "view.state: missing"),
        (changed(SUBMISSION, "view.state.values.reason", []), "not an object"),
        (changed(SUBMISSION, "view.state.values.reason.reason_text.value", 5), "not a string"),
        (changed(SUBMISSION, "view.private_metadata", {"vote": 3}), "not a string"),
        (changed(SUBMISSION, "view.blocks", ["input"]), "view.blocks[0]: not an object"),
        (changed(SUBMISSION, "view.type"), "view.type: missing"),
        (changed(SUBMISSION, "response_urls", None), "response_urls: not a list"),
        (changed(SUBMISSION, "response_urls", [{"response_url": 1}]), "not a string"),
        (changed(EVENT, "event"), "event: missing"),
        (changed(EVENT, "event", "app_home_opened"), "event: not an object"),
        (changed(EVENT, "event.user"), "event.user: missing"),
        (changed(EVENT, "event.view", []), "event.view: not an object"),
        (changed(EVENT, "event_id", 5), "event_id: not a string"),
        (changed(EVENT, "authorizations", [[]]), "authorizations[0]: not an object"),
        ({**EVENT, "event": {"type": "message", "message": {"user": ["U1"]}}}, "event.message"),
        ({"type": "url_verification"}, "challenge: missing"),
    ],
)
def test_a_body_not_of_slacks_shape_is_malformed_and_says_where(body: Any, problem: str) -> None:
    opened = open_envelope(payload(body), FORM)
    assert isinstance(opened, Malformed), opened
    assert problem in opened.reason


@pytest.mark.parametrize("missing", ["command", "team_id", "user_id", "channel_id", "trigger_id"])
def test_a_command_without_its_fields_is_malformed(missing: str) -> None:
    fields = {k: v for k, v in COMMAND.items() if k != missing}
    if missing == "command":
        fields["type"] = "command"
    assert isinstance(open_envelope(form(fields), FORM), Malformed)


def test_a_form_field_bolt_reads_as_a_list_is_malformed() -> None:
    assert isinstance(open_envelope(form({**COMMAND, "authorizations": "x"}), FORM), Malformed)


def key(body: dict[str, Any]) -> str | None:
    opened = open_envelope(payload(body) if "type" in body else form(body), FORM)
    assert isinstance(opened, Envelope), opened
    return opened.replay_key


def test_replay_keys_are_what_slack_makes_unique_per_action() -> None:
    keys = [key(COMMAND), key(CLICK), key(SUBMISSION)]
    assert all(k is not None and len(k) == 64 for k in keys)
    assert len(set(keys)) == 3
    assert key(CLICK) == key(copy.deepcopy(CLICK))  # the same action, whatever else
    assert key(changed(CLICK, "message.text", "redrawn")) == key(CLICK)
    assert key(changed(CLICK, "trigger_id", "111.222.next")) != key(CLICK)
    assert key(changed(CLICK, "actions.0.action_ts", "1596530386.0")) != key(CLICK)
    assert key(changed(SUBMISSION, "trigger_id", "111.222.resubmit")) != key(SUBMISSION)
    assert key(changed(SUBMISSION, "view.id", "V0002")) != key(SUBMISSION)
    assert key({**COMMAND, "trigger_id": "1.2.3"}) != key(COMMAND)
    assert key({**COMMAND, "team_id": "T0002"}) != key(COMMAND)


@pytest.mark.parametrize("text", ["status", "hjälp", "mina", "protokoll", "", "statsu", "klar"])
def test_a_command_that_only_reads_or_is_refused_has_no_replay_key(text: str) -> None:
    assert key({**COMMAND, "text": text}) is None


def test_events_and_url_checks_have_no_replay_key() -> None:
    event = open_envelope(json.dumps(EVENT).encode(), JSON)
    assert isinstance(event, Envelope) and event.replay_key is None
