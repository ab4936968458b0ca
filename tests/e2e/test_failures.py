"""A click or a dialog that fails unexpectedly is told to the person alone, as a command is: that
nothing changed, and a reference that finds the logged trace."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from bot.emulator import Message
from bot.services import activities
from tests.e2e.support import activity_ids, press, reminder_dm, statuses
from tests.support.bot import RunningBot, Workspace, run
from tests.support.waiting import eventually

SORRY = "Something went wrong on our side and nothing was changed"
REFERENCE = re.compile(r"give your administrator the reference ([0-9a-f]{8})")


@pytest.fixture
def project(start_bot: Callable[[], RunningBot], workspace: Workspace) -> RunningBot:
    """Erik (English) owns 1.2 and has his reminder DM, with its buttons, from Anna."""
    running = start_bot()
    w = workspace
    for text in ("nytt Kommunen X", f"ansvarig 1.2 <@{w.erik}|erik>", "påminn"):
        run(running, w, text)
    return running


@pytest.fixture
def broken_status_change(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(activities, "set_status_by_id", fail)


def logged_reference(caplog: pytest.LogCaptureFixture, reference: str) -> bool:
    return any(
        f"reference {reference}" in r.getMessage() and r.exc_info is not None
        for r in caplog.records
    )


@pytest.mark.usefixtures("broken_status_change")
def test_a_button_that_fails_tells_the_person_privately_with_a_reference(
    project: RunningBot, workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    w = workspace
    dm: Message = reminder_dm(w)
    press(project, dm, "activity_done", activity_ids(project)["driftavtal"], w.erik)

    told = eventually(lambda: [e for e in w.fake.state.ephemerals(user=w.erik) if SORRY in e.text])
    assert told, "the failed click was not explained"
    assert told[0].channel == dm.channel
    found = REFERENCE.search(told[0].text)
    assert found is not None, told[0].text
    assert logged_reference(caplog, found[1])
    assert statuses(project)["driftavtal"] == "not_started"
    assert not w.fake.state.ephemerals(user=w.anna)


@pytest.mark.usefixtures("broken_status_change")
def test_a_dialog_that_fails_shows_the_person_a_reference_in_its_place(
    project: RunningBot, workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    w = workspace
    press(project, reminder_dm(w), "activity_blocked", activity_ids(project)["driftavtal"], w.erik)
    assert eventually(lambda: w.fake.state.modals(w.erik)), "the reason dialog did not open"

    sent = project.slack.submit(user_id=w.erik, values={"reason": {"reason_text": "Waiting"}})
    assert sent.status == 200
    assert sent.json["response_action"] == "update"
    shown = json.dumps(sent.json["view"]["blocks"], ensure_ascii=False)
    assert SORRY in shown
    found = REFERENCE.search(shown)
    assert found is not None, shown
    assert logged_reference(caplog, found[1])
    assert statuses(project)["driftavtal"] == "not_started"
