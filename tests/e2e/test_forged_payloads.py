"""Trust: which message a click redraws comes from the bot's records of the reminder DMs it
posted, never from the payload's `container`, `message` or a dialog's `private_metadata`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from bot.emulator import Message
from storage.models import OutboxEvent, Reservation
from tests.e2e.support import activity_ids, current, press, recorded, redrawn, statuses
from tests.support.bot import RunningBot, Workspace, run
from tests.support.waiting import eventually


@pytest.fixture
def project(start_bot: Callable[[], RunningBot], workspace: Workspace) -> RunningBot:
    """Erik owns 1.2, Sara owns 2; both have their reminder DM."""
    running = start_bot()
    w = workspace
    run(running, w, "nytt Kommunen X")
    run(running, w, f"ansvarig 1.2 <@{w.erik}|erik>")
    run(running, w, f"ansvarig 2 <@{w.sara}|sara>")
    run(running, w, "påminn")
    return running


def dm_of(running: RunningBot, w: Workspace, user: str, word: str) -> Message:
    """The reminder DM to `user`, once the bot has recorded posting it."""
    found = eventually(lambda: [m for m in w.fake.state.dms_to(user) if word in m.text])
    assert found, f"no reminder DM to {user}"
    assert eventually(lambda: recorded(running, found[-1]))
    return found[-1]


def redraws(running: RunningBot) -> list[str]:
    with running.bot.db.session() as session:
        query = select(col(OutboxEvent.target)).where(col(OutboxEvent.kind) == "reminder_update")
        return list(session.execute(query).scalars())


def forged_container(dm: Message, listed: list[int]) -> dict[str, Any]:
    blocks = [{"type": "section", "block_id": f"reminder:{i}"} for i in listed]
    return {
        "container": {"type": "message", "channel_id": dm.channel, "message_ts": dm.ts},
        "channel": {"id": dm.channel},
        "message": {"ts": dm.ts, "blocks": blocks},
    }


def test_a_click_pointing_at_someone_elses_dm_redraws_nothing(
    project: RunningBot, workspace: Workspace
) -> None:
    w = workspace
    eriks, saras = dm_of(project, w, w.erik, "Reminder"), dm_of(project, w, w.sara, "Påminnelse")
    before = current(w, saras)
    ids = activity_ids(project)
    response = project.slack.click(
        "activity_done",
        user_id=w.erik,
        channel_id=eriks.channel,
        message_ts=eriks.ts,
        value=str(ids["driftavtal"]),
        **forged_container(saras, [ids["driftavtal"], ids["overlamning"]]),
    )
    assert response.status == 200
    # Erik's own change is his to make; the message the payload names is not his to redraw.
    assert statuses(project)["driftavtal"] == "done"
    assert redraws(project) == []
    press(project, eriks, "activity_doing", ids["driftavtal"], w.erik)
    redrawn(w, eriks, "In progress")
    assert redraws(project) == [eriks.channel]
    after = current(w, saras)
    assert (after.text, after.blocks) == (before.text, before.blocks)


def test_the_activities_redrawn_are_those_the_bot_listed_not_the_payloads(
    project: RunningBot, workspace: Workspace
) -> None:
    w = workspace
    eriks = dm_of(project, w, w.erik, "Reminder")
    ids = activity_ids(project)
    project.slack.click(
        "activity_done",
        user_id=w.erik,
        channel_id=eriks.channel,
        message_ts=eriks.ts,
        value=str(ids["driftavtal"]),
        **forged_container(eriks, [ids["driftavtal"], ids["overlamning"]]),
    )
    message = redrawn(w, eriks, ":white_check_mark: Done")
    listed = [b.get("block_id", "") for b in message.blocks]
    listed = [block for block in listed if block.startswith("reminder:")]
    assert listed == [f"reminder:{ids['driftavtal']}"]


def test_a_dialogs_forged_origin_redraws_nothing(project: RunningBot, workspace: Workspace) -> None:
    w = workspace
    eriks, saras = dm_of(project, w, w.erik, "Reminder"), dm_of(project, w, w.sara, "Påminnelse")
    before = current(w, saras)
    ids = activity_ids(project)
    press(project, eriks, "activity_blocked", ids["driftavtal"], w.erik)
    eventually(lambda: w.fake.state.modals(w.erik))
    metadata = {
        "activity": ids["driftavtal"],
        "action": "activity_blocked",
        "origin": {"channel_id": saras.channel, "message_ts": saras.ts},
    }
    response = project.slack.submit(
        user_id=w.erik,
        values={"reason": {"reason_text": "Waiting for IT"}},
        private_metadata=json.dumps(metadata),
    )
    assert response.status == 200
    assert statuses(project)["driftavtal"] == "blocked"
    assert redraws(project) == []
    after = current(w, saras)
    assert (after.text, after.blocks) == (before.text, before.blocks)


@pytest.mark.parametrize(
    "metadata",
    [
        {"activity": 999999, "action": "activity_blocked"},
        {"activity": "1; drop", "action": "activity_blocked"},
        {"activity": 1, "action": "vote_yes"},
        [1, 2],
        "not json",
    ],
)
def test_a_dialog_whose_metadata_names_nothing_we_rendered_changes_nothing(
    project: RunningBot, workspace: Workspace, metadata: object
) -> None:
    w = workspace
    before = statuses(project)
    raw = metadata if isinstance(metadata, str) else json.dumps(metadata)
    response = project.slack.submit(
        user_id=w.erik,
        callback_id="activity_reason",
        values={"reason": {"reason_text": "x"}},
        private_metadata=raw,
    )
    assert response.status == 200
    assert statuses(project) == before
    assert redraws(project) == []


@pytest.mark.parametrize("metadata", [{"vote": 999999}, {"vote": "1 OR 1=1"}, {}])
def test_a_reservation_dialog_naming_no_vote_of_ours_records_nothing(
    project: RunningBot, workspace: Workspace, metadata: dict[str, object]
) -> None:
    response = project.slack.submit(
        user_id=workspace.erik,
        callback_id="vote_reservation",
        values={"reason": {"reason_text": "Jag reserverar mig"}},
        private_metadata=json.dumps(metadata),
    )
    assert response.status == 200
    with project.bot.db.session() as session:
        assert session.execute(select(func.count()).select_from(Reservation)).scalar_one() == 0
