"""Issue 2/8 end to end: every subcommand, permissions, the outbox, buttons and App Home."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from storage.models import Activity, AuditEntry, Document, OutboxEvent, Project, SteeringMember
from tests.e2e.support import statuses
from tests.support.bot import RunningBot, Workspace, run
from tests.support.outbox import undelivered
from tests.support.waiting import eventually


def snapshot(running: RunningBot) -> tuple[Any, ...]:
    """Everything a refused command must leave as it was."""
    with running.bot.db.session() as session:
        rows = session.execute(
            select(
                col(Activity.key),
                col(Activity.status),
                col(Activity.owner_id),
                col(Activity.due),
                col(Activity.note),
            ).order_by(col(Activity.key))
        ).all()
        project = session.execute(select(col(Project.chair_id), col(Project.vote_channel_id))).all()
        counted = [
            session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (AuditEntry, Document, SteeringMember, OutboxEvent)
        ]
    return (tuple(rows), tuple(project), tuple(counted))


@pytest.fixture
def project(start_bot: Callable[[], RunningBot], workspace: Workspace) -> RunningBot:
    running = start_bot()
    running.slack.command(
        "nytt Kommunen X", user_id=workspace.anna, channel_id=workspace.project_channel
    )
    return running


HAPPY = [
    ("ansvarig 1.2 <@{erik}|erik>", "<@{erik}> är ansvarig för *1.2*"),
    (
        "datum driftavtal 2026-12-31",
        "*1.2* Säkerställ förvaltning och driftavtal ska vara klar 2026-12-31",
    ),
    ("klar 1.1 Beslutad i nämnden", "Klar – _Beslutad i nämnden_"),
    ("pågår 2", "Pågår"),
    ("blockerad 3 Väntar på leverantör", "Blockerad – _Väntar på leverantör_"),
    ("ej-aktuell 1.3 Ingen samverkan", "Ej aktuell – _Ingen samverkan_"),
    ("underlag driftplan <https://intra.kommun.se/driftplan|Driftplan>", "Driftplan är länkad"),
    ("styrgrupp <@{erik}|erik> <@{sara}|sara>", "Styrgruppen: <@{erik}>, <@{sara}>."),
    ("styrgruppskanal <#{other}|allmant>", "Styrgruppen röstar i <#{other}>."),
    ("kanaler <#{other}|allmant> <#{project}>", "Beslutet meddelas i <#{other}>, <#{project}>."),
]


def fill(text: str, w: Workspace) -> str:
    return text.format(erik=w.erik, sara=w.sara, other=w.other_channel, project=w.project_channel)


@pytest.mark.parametrize(("command", "expected"), HAPPY)
def test_each_subcommand_confirms_and_is_audited(
    project: RunningBot, workspace: Workspace, command: str, expected: str
) -> None:
    before = snapshot(project)
    body = run(project, workspace, fill(command, workspace))
    assert body["response_type"] == "ephemeral"
    assert fill(expected, workspace) in body["text"], body["text"]
    assert snapshot(project)[2][0] == before[2][0] + 1  # one audit row


def test_chair_must_be_a_member_and_steering_change_clears_a_removed_chair(
    project: RunningBot, workspace: Workspace
) -> None:
    w = workspace
    before = snapshot(project)
    refused = run(project, w, f"ordförande <@{w.erik}>")
    assert "ingår inte i styrgruppen" in refused["text"]
    assert snapshot(project) == before
    run(project, w, f"styrgrupp <@{w.erik}> <@{w.sara}>")
    assert "är styrgruppens ordförande" in run(project, w, f"ordförande <@{w.erik}>")["text"]
    cleared = run(project, w, f"styrgrupp <@{w.sara}>")
    assert "saknar ordförande" in cleared["text"]


REFUSED_FOR_NON_LEAD = [
    "ansvarig 1.2 <@{erik}>",
    "datum 1.2 2026-12-31",
    "underlag driftplan https://x.se/d",
    "styrgrupp <@{erik}>",
    "ordförande <@{erik}>",
    "styrgruppskanal <#{other}>",
    "kanaler <#{other}>",
    "klar 1.2",
]


@pytest.mark.parametrize("command", REFUSED_FOR_NON_LEAD)
def test_others_are_refused_politely_and_nothing_changes(
    project: RunningBot, workspace: Workspace, command: str
) -> None:
    before = snapshot(project)
    body = run(project, workspace, fill(command, workspace), user=workspace.sara)
    assert body["response_type"] == "ephemeral"
    assert "Bara " in body["text"] and "Inget ändrades" in body["text"]
    assert snapshot(project) == before


MALFORMED = [
    ("ansvarig 1.9 <@{erik}>", "Det finns ingen aktivitet `1.9`"),
    ("ansvarig 1.2 @erik", "är inte en omnämning i Slack"),
    ("datum 1.2 2026-02-30", "är inget datum"),
    ("datum 1.2", "Något saknas"),
    ("blockerad 3", "Ange en orsak"),
    ("ej-aktuell 2", "Ange en orsak"),
    ("underlag driftplan ftp://x.se/a", "är ingen webblänk"),
    ("underlag drftplan https://x.se/a", "Menade du: driftplan"),
    ("styrgrupp erik", "Jag väntade mig en person"),
    ("kanaler #allmant", "Jag väntade mig en kanal"),
    ("klar 1", "följer sina delaktiviteter 1.1, 1.2, 1.3; fortfarande öppna: 1.1, 1.2, 1.3"),
]


@pytest.mark.parametrize(("command", "expected"), MALFORMED)
def test_malformed_input_is_explained_and_changes_nothing(
    project: RunningBot, workspace: Workspace, command: str, expected: str
) -> None:
    before = snapshot(project)
    body = run(project, workspace, fill(command, workspace))
    assert body["response_type"] == "ephemeral"
    assert expected in body["text"], body["text"]
    assert snapshot(project) == before


def test_owner_updates_own_activity_and_english_owner_gets_english(
    project: RunningBot, workspace: Workspace
) -> None:
    w = workspace
    run(project, w, f"ansvarig 2 <@{w.erik}>")
    body = run(project, w, "done 2 handed over", user=w.erik)
    assert "Done – _handed over_" in body["text"]
    mine = run(project, w, "mine", user=w.erik)
    assert "no open activities" in mine["text"]


def test_owner_dm_is_delivered_once_through_429_and_500(
    project: RunningBot, workspace: Workspace
) -> None:
    w = workspace
    w.fake.inject("chat.postMessage", status=429, retry_after=1)
    w.fake.inject("chat.postMessage", status=500)
    run(project, w, f"ansvarig 1.2 <@{w.erik}>")

    dms = eventually(lambda: w.fake.state.dms_to(w.erik), seconds=15)
    # A second post would have to come from an event still pending: once none is, none can.
    assert eventually(lambda: undelivered(project.bot.db) == 0), "the outbox did not settle"
    dms = w.fake.state.dms_to(w.erik)
    assert len(dms) == 1
    assert "made you owner of *1.2*" in dms[0].text
    statuses = [c.status for c in w.fake.state.calls("chat.postMessage")]
    assert statuses == [429, 500, 200]


def test_double_click_in_parallel_makes_one_change_and_one_audit_row(
    project: RunningBot, workspace: Workspace
) -> None:
    w = workspace
    run(project, w, f"ansvarig 1.2 <@{w.erik}>")
    with project.bot.db.session() as session:
        activity_id = session.execute(
            select(col(Activity.id)).where(col(Activity.key) == "driftavtal")
        ).scalar_one()
        audits = session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()

    def click() -> int:
        return project.slack.block_action(
            user_id=w.erik,
            action_id="activity_done",
            value=str(activity_id),
            block_id=f"activity_{activity_id}",
        ).status

    with ThreadPoolExecutor(max_workers=2) as pool:
        assert list(pool.map(lambda _: click(), range(2))) == [200, 200]
    with project.bot.db.session() as session:
        assert (
            session.execute(
                select(col(Activity.status)).where(col(Activity.id) == activity_id)
            ).scalar_one()
            == "done"
        )
        assert (
            session.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == audits + 1
        )


def test_app_home_lists_my_activities_and_buttons_and_modal_update_them(
    project: RunningBot, workspace: Workspace
) -> None:
    w = workspace
    run(project, w, f"ansvarig 1.2 <@{w.sara}>")
    run(project, w, f"ansvarig 3 <@{w.sara}>")
    project.slack.app_home_opened(w.sara)

    def home_lists_both() -> Any:
        # Earlier refreshes (one per assignment) may land first; wait for the complete one.
        view = w.fake.state.home_view(w.sara)
        text = json.dumps(view.blocks, ensure_ascii=False) if view else ""
        return view if "*1.2*" in text and "*3*" in text else None

    home = eventually(home_lists_both)
    assert home is not None
    assert "Mina aktiviteter" in json.dumps(home.blocks, ensure_ascii=False)

    with project.bot.db.session() as session:
        ids: dict[str, int] = dict(
            session.execute(select(col(Activity.key), col(Activity.id))).all()
        )
    project.slack.click(
        "activity_done", user_id=w.sara, view_id=home.id, value=str(ids["driftavtal"])
    )
    project.slack.click(
        "activity_blocked", user_id=w.sara, view_id=home.id, value=str(ids["aterstaende-arbete"])
    )
    modal = eventually(lambda: w.fake.state.modals(w.sara))[-1]
    assert modal.callback_id == "activity_reason"
    empty = project.slack.submit(user_id=w.sara, values={"reason": {"reason_text": "  "}})
    assert empty.json["response_action"] == "errors"
    project.slack.submit(user_id=w.sara, values={"reason": {"reason_text": "Väntar på avtal"}})

    with project.bot.db.session() as session:
        states: dict[str, str] = dict(
            session.execute(select(col(Activity.key), col(Activity.status))).all()
        )
    assert states["driftavtal"] == "done"
    assert states["aterstaende-arbete"] == "blocked"

    def refreshed() -> bool:
        view = w.fake.state.home_view(w.sara)
        return view is not None and "*1.2*" not in json.dumps(view.blocks)

    assert eventually(refreshed)


def test_status_shows_owners_documents_and_readiness(
    project: RunningBot, workspace: Workspace
) -> None:
    w = workspace
    run(project, w, f"ansvarig 1.2 <@{w.erik}>")
    run(project, w, "underlag driftplan https://intra.kommun.se/driftplan")
    run(project, w, "klar 1.1")
    body = run(project, w, "status")
    shown = "\n".join(b["text"]["text"] for b in body["blocks"] if b["type"] == "section")
    assert f"Ansvarig: <@{w.erik}>" in shown
    assert "<https://intra.kommun.se/driftplan|Driftplan>" in shown
    assert "1.2, 1.3, 2, 3, 4" in shown
    assert "Ingen justerare" in shown and "/forvaltning justerare @person" in shown
    assert "1 av 6 klara" in body["text"]


def test_nothing_is_sent_for_a_refused_command(
    start_bot: Callable[[], RunningBot], workspace: Workspace
) -> None:
    running = start_bot()
    running.slack.command(
        f"ansvarig 1.2 <@{workspace.erik}>",
        user_id=workspace.anna,
        channel_id=workspace.project_channel,
    )
    # Everything the bot sends goes through the outbox, queued before the command is answered:
    # with nothing pending there, nothing is on its way.
    assert eventually(lambda: undelivered(running.bot.db) == 0), "the outbox did not settle"
    assert workspace.fake.state.calls("chat.postMessage") == []


def test_a_comment_with_the_word_payload_is_read_as_written(
    project: RunningBot, workspace: Workspace
) -> None:
    """Bolt takes any form body containing "payload" for an interaction and reads it as empty;
    the gate re-spells it so the command does what it says."""
    body = run(project, workspace, "klar 1.1 payload levererad enligt avtal")
    assert "Klar – _payload levererad enligt avtal_" in body["text"], body["text"]
    assert statuses(project)["nyttorealiseringsplan"] == "done"
