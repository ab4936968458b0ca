"""Trust: what is typed in a dialog gets the cleaning and the limit a command's text gets, on
SQLite and PostgreSQL (which refuses a NUL byte in text outright)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlmodel import col

from storage.models import Activity
from tests.e2e.support import activity_ids, press, reminder_dm, statuses
from tests.support.bot import RunningBot, Workspace, run
from tests.support.waiting import eventually


@pytest.fixture
def project(start_bot: Callable[[], RunningBot], workspace: Workspace) -> RunningBot:
    running = start_bot()
    w = workspace
    run(running, w, "nytt Kommunen X")
    run(running, w, f"ansvarig 1.2 <@{w.erik}|erik>")
    run(running, w, "påminn")
    return running


def blocked_because(running: RunningBot, w: Workspace, reason: str) -> dict[str, object]:
    """Erik presses Blocked… in his reminder and submits `reason`; the dialog's answer."""
    dm = reminder_dm(w)
    press(running, dm, "activity_blocked", activity_ids(running)["driftavtal"], w.erik)
    eventually(lambda: w.fake.state.modals(w.erik))
    response = running.slack.submit(user_id=w.erik, values={"reason": {"reason_text": reason}})
    assert response.status == 200, response.text
    return response.json if response.text else {}


def note(running: RunningBot) -> str | None:
    with running.bot.db.session() as session:
        query = select(col(Activity.note)).where(col(Activity.key) == "driftavtal")
        found: str | None = session.execute(query).scalar_one()
        return found


def test_a_reason_loses_control_bidi_and_zero_width_characters(
    project: RunningBot, workspace: Workspace
) -> None:
    # A NUL never gets this far: the request gate refuses it (400) before Bolt reads the body;
    # bot.domain.text removes it all the same (tests/domain/test_text.py).
    typed = "\u202eVäntar\x01 på\x0bIT\u200b\u2066\x07 \ufeff"
    assert blocked_because(project, workspace, typed) == {}
    assert statuses(project)["driftavtal"] == "blocked"
    assert note(project) == "Väntar på IT"


def test_a_reason_over_the_limit_keeps_the_dialog_open_and_changes_nothing(
    project: RunningBot, workspace: Workspace
) -> None:
    answer = blocked_because(project, workspace, "x" * 2001)
    assert answer["response_action"] == "errors"
    errors = answer["errors"]
    assert isinstance(errors, dict) and "2000" in errors["reason"]
    assert statuses(project)["driftavtal"] != "blocked"
    assert note(project) is None
