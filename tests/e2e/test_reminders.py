"""Issue 3/8 end to end: `schema`, `påminn`, and the reminder DM's buttons over signed HTTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update
from sqlmodel import col

from storage.models import AuditEntry, OutboxEvent
from tests.e2e.support import activity_ids, press, redrawn, reminder_dm, statuses
from tests.support.bot import RunningBot, Workspace, run
from tests.support.waiting import eventually


@pytest.fixture
def project(start_bot: Callable[[], RunningBot], workspace: Workspace) -> RunningBot:
    """Erik (English) owns 1.2, overdue, and 2; Sara owns nothing."""
    running = start_bot()
    w = workspace
    run(running, w, "nytt Kommunen X")
    run(running, w, f"ansvarig 1.2 <@{w.erik}|erik>")
    run(running, w, f"ansvarig 2 <@{w.erik}|erik>")
    run(running, w, "datum 1.2 2026-01-15")
    return running


def test_remind_now_is_refused_to_an_owner_and_changes_nothing(
    project: RunningBot, workspace: Workspace
) -> None:
    w = workspace
    body = run(project, w, "påminn", user=w.erik)
    assert "project lead" in body["text"]
    with project.bot.db.session() as session:
        kinds = session.execute(select(col(OutboxEvent.kind))).scalars().all()
    assert "reminder" not in kinds


def test_reminder_buttons_update_the_activity_and_the_dm_in_place(
    project: RunningBot, workspace: Workspace
) -> None:
    w = workspace
    body = run(project, w, "påminn")
    assert "Påminnelser är på väg till de ansvariga (1)" in body["text"]
    dm = reminder_dm(w)
    assert "Kommunen X" in dm.text
    assert "*1.2*" in dm.text and "*2*" in dm.text
    assert "overdue" in dm.text
    ids = activity_ids(project)
    buttons = [
        e["text"]["text"] for b in dm.blocks if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons[:4] == ["Done", "In progress", "Blocked…", "Snooze"]

    press(project, dm, "activity_snooze", ids["overlamning"], w.erik)
    redrawn(w, dm, "Snoozed until")

    press(project, dm, "activity_done", ids["driftavtal"], w.erik)
    message = redrawn(w, dm, ":white_check_mark: Done")
    assert statuses(project)["driftavtal"] == "done"
    # The finished activity stays listed, without its buttons; the other keeps its own.
    action_blocks = [b["block_id"] for b in message.blocks if b["type"] == "actions"]
    assert action_blocks == [f"reminder_actions:{ids['overlamning']}"]

    press(project, dm, "activity_blocked", ids["overlamning"], w.erik)
    eventually(lambda: w.fake.state.modals(w.erik))
    project.slack.submit(user_id=w.erik, values={"reason": {"reason_text": "Waiting for IT"}})
    redrawn(w, dm, ":no_entry: Blocked")
    assert statuses(project)["overlamning"] == "blocked"
    assert len([m for m in w.fake.state.dms_to(w.erik) if "Reminder" in m.text]) == 1


def test_a_reminder_button_pressed_by_someone_else_is_refused(
    project: RunningBot, workspace: Workspace
) -> None:
    w = workspace
    run(project, w, "påminn")
    dm = reminder_dm(w)
    ids = activity_ids(project)
    # Sara cannot see Erik's DM, but a forged payload carries the same ids.
    press(project, dm, "activity_done", ids["driftavtal"], w.sara)
    assert statuses(project)["driftavtal"] != "done"


def test_schedule_is_confirmed_with_the_next_three_times(
    project: RunningBot, workspace: Workspace
) -> None:
    w = workspace
    body = run(project, w, "schema tis,tor 08:30")
    assert "tisdagar och torsdagar 08:30" in body["text"]
    assert body["text"].count("08:30") == 4  # the schedule and the next three times
    with project.bot.db.session() as session:
        audits = session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    bad = run(project, w, "schema ibland 25:00")
    assert "ibland" in bad["text"]
    english = run(project, w, "schedule daily 07:00", user=w.erik)
    assert "project lead" in english["text"]
    with project.bot.db.session() as session:
        assert session.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == audits


def test_a_dm_whose_sender_died_after_posting_is_not_posted_again(
    project: RunningBot, workspace: Workspace
) -> None:
    w = workspace
    run(project, w, "påminn")
    reminder_dm(w)

    def settled() -> bool:
        with project.bot.db.session() as session:
            rows = session.execute(
                select(col(OutboxEvent.status)).where(col(OutboxEvent.kind) == "reminder")
            ).scalars()
            return all(s == "sent" for s in rows)

    # The DM is in Slack before the sender settles it: wait for that, or its settling would
    # overwrite the crash simulated below.
    assert eventually(settled)
    # What a sender killed between Slack's answer and settling leaves: taken, never settled.
    with project.bot.db.session() as session:
        session.execute(
            update(OutboxEvent)
            .where(col(OutboxEvent.kind) == "reminder")
            .values(
                status="pending",
                locked_until=datetime(2020, 1, 1, tzinfo=UTC),
                next_attempt_at=datetime(2020, 1, 1, tzinfo=UTC),
            )
        )
    assert project.bot.sender is not None
    project.bot.sender.notify()
    assert eventually(settled)
    assert len([m for m in w.fake.state.dms_to(w.erik) if "Reminder" in m.text]) == 1
    assert w.fake.state.calls("conversations.history")  # it looked before posting
