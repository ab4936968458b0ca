"""Issue 14: a signed payload that is not of Slack's shape never gets a 500; it gets 200 with
nothing changed (400 when it cannot be read at all). Hand-picked cases, then 1,000 random
ones from hypothesis, against the real bot over HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from messages.ids import ActionId, CallbackId
from tests.e2e import payloads
from tests.e2e.wire import (
    Records,
    activity_id,
    counts,
    post,
    request_id,
    signed_headers,
    state,
    the_one_line,
)
from tests.support.bot import RunningBot, Workspace, run


@pytest.fixture
def running(running: RunningBot, workspace: Workspace) -> RunningBot:
    """Erik owns 1.2, so that some clicks and dialogs are his to make."""
    run(running, workspace, f"ansvarig 1.2 <@{workspace.erik}>")
    return running


def send(running: RunningBot, body: Any, *, as_form: bool = False) -> tuple[int, str]:
    """Sign and post: a command's fields as a form, anything else as an interaction."""
    if as_form:
        raw = urlencode({k: str(v) for k, v in body.items()}).encode()
    else:
        raw = urlencode({"payload": json.dumps(body)}).encode()
    reply = post(running.slack.url, raw, signed_headers(raw))
    return reply.status, request_id(reply)


def without(payload: dict[str, Any], *path: str) -> dict[str, Any]:
    out = copy.deepcopy(payload)
    target = out
    for part in path[:-1]:
        target = target[part]
    del target[path[-1]]
    return out


def cases(r: RunningBot, w: Workspace) -> list[tuple[str, Any, bool]]:
    slack = r.slack
    done = payloads.click(
        slack, w.erik, w.project_channel, ActionId.MARK_DONE, str(activity_id(r, "driftavtal"))
    )
    reason = payloads.submission(
        slack,
        w.erik,
        CallbackId.REASON,
        {"action": ActionId.MARK_BLOCKED, "activity": activity_id(r, "driftavtal")},
        "Väntar",
    )
    numbered = copy.deepcopy(reason)
    numbered["view"]["state"]["values"]["reason"]["reason_text"]["value"] = 5
    command = payloads.command_form(slack, w.anna, w.project_channel, "klar 1.2")
    return [
        ("no user", without(done, "user"), False),
        ("no team", without(without(done, "team"), "user", "team_id"), False),
        ("a JSON array", [done], False),
        ("a JSON string", "block_actions", False),
        ("user is a string", {**done, "user": w.erik}, False),
        ("team is a list", {**done, "team": [w.erik]}, False),
        ("actions empty", {**done, "actions": []}, False),
        ("action without id", {**done, "actions": [{"value": "1"}]}, False),
        ("no trigger", without(done, "trigger_id"), False),
        ("message click without response_url", without(done, "response_url"), False),
        ("container a string", {**done, "container": "message"}, False),
        ("view without private_metadata", without(reason, "view", "private_metadata"), False),
        (
            "private_metadata not JSON",
            {**reason, "view": {**reason["view"], "private_metadata": "{"}},
            False,
        ),
        ("view without state", without(reason, "view", "state"), False),
        ("reason a number", numbered, False),
        ("a view of no kind we know", {**reason, "type": "view_closed"}, False),
        ("command without user", without(command, "user_id"), True),
        ("command without team", without(command, "team_id"), True),
        ("command without channel", without(command, "channel_id"), True),
        ("command with a list where Bolt reads one", {**command, "authorizations": "x"}, True),
        ("a form of nothing", {"hello": "world"}, True),
    ]


def test_each_malformed_payload_gets_200_changes_nothing_in_one_line(
    running: RunningBot, workspace: Workspace, records: Records
) -> None:
    for name, body, as_form in cases(running, workspace):
        if isinstance(body, dict) and "trigger_id" in body:  # each case its own action
            body["trigger_id"] = workspace.fake.issue_trigger_id(workspace.erik)
        before = (state(running), counts(running))
        status, rid = send(running, body, as_form=as_form)
        assert status == 200, name
        assert (state(running), counts(running)) == before, name
        if "private_metadata" not in name:  # those are Slack's shape: the listener answers
            assert "not of Slack's shape" in the_one_line(records, rid)["message"], name


def test_a_payload_field_that_is_not_json_gets_400(running: RunningBot) -> None:
    raw = b"payload=%7B%22type%22%3A+%22block_actions%22"
    assert post(running.slack.url, raw, signed_headers(raw)).status == 400


# Random JSON, and values that look like Slack's, so that some payloads go deep.
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=12)
)
JSON = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a payload a field can be removed from or replaced at."""
    children = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, child in children:
        yield (*prefix, key)
        yield from paths(child, (*prefix, key))


def mutate(data: st.DataObject, payload: Any, slackish: st.SearchStrategy[Any]) -> Any:
    if data.draw(st.integers(0, 19)) == 0:
        return data.draw(JSON)  # not even an object, sometimes
    for _ in range(data.draw(st.integers(0, 4))):
        places = list(paths(payload))
        if not places:
            break
        *parents, last = data.draw(st.sampled_from(places))
        target = payload
        for part in parents:
            target = target[part]
        if data.draw(st.booleans()):
            del target[last]
        else:
            target[last] = data.draw(st.one_of(JSON, slackish))
    return payload


@settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_thousand_random_signed_payloads_never_get_a_500(  # nor a 404
    running: RunningBot, workspace: Workspace, data: st.DataObject
) -> None:
    w, slack = workspace, running.slack
    people = [w.anna, w.erik, w.sara]
    ids = [str(activity_id(running, key)) for key in ("driftavtal", "slutrapport")]
    slackish = st.sampled_from(
        [*people, w.project_channel, *ids, "", "U", "1.2", "9" * 13, *ActionId, *CallbackId]
    )
    user = data.draw(st.sampled_from(people))
    kind = data.draw(st.sampled_from(["command", "block_actions", "view_submission"]))
    if kind == "command":
        words = data.draw(st.sampled_from(["status", "klar 1.2", "pågår", "hjälp", "påminn", ""]))
        text = words + data.draw(st.text(max_size=20))
        form = payloads.command_form(slack, user, w.project_channel, text)
        body = mutate(data, form, slackish)
        if isinstance(body, dict):
            status, _ = send(running, body, as_form=True)
        else:
            status, _ = send(running, body)
    elif kind == "block_actions":
        action = data.draw(st.sampled_from(list(ActionId)))
        value = data.draw(st.one_of(st.sampled_from(ids), st.text(max_size=14)))
        body = mutate(data, payloads.click(slack, user, w.project_channel, action, value), slackish)
        status, _ = send(running, body)
    else:
        metadata = data.draw(
            st.one_of(
                st.fixed_dictionaries(
                    {"action": st.sampled_from(list(ActionId)), "activity": st.sampled_from(ids)}
                ),
                st.fixed_dictionaries({"vote": st.integers(0, 3)}),
                JSON,
            )
        )
        callback = data.draw(st.sampled_from(list(CallbackId)))
        reason = data.draw(st.text(max_size=30))
        built = payloads.submission(slack, user, callback, metadata, reason)
        status, _ = send(running, mutate(data, built, slackish))
    event(f"{kind} answered {status}")  # --hypothesis-show-statistics: how far payloads went
    assert status in (200, 400)  # nothing done (or a private note); 400: could not be read
