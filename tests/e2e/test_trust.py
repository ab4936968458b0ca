"""Issue 14 end to end: a hostile member cannot stage a decision where she does not belong.

Eva is in #forvaltning only. She tries to make a look-alike of the real project "Kommunen X",
makes herself its whole steering group, and names #drift and #kommunstyrelsen for the
announcement. Each step is refused privately, and the bot posts nothing and joins nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from storage import projects
from tests.support.bot import RunningBot, Workspace, run
from tests.support.outbox import undelivered
from tests.support.project import DOCUMENTS, ready_the_project
from tests.support.waiting import eventually


@dataclass
class Stage:
    running: RunningBot
    w: Workspace
    eva: str
    forvaltning: str
    drift: str
    kommunstyrelsen: str

    def eva_types(self, text: str) -> dict[str, Any]:
        """`/forvaltning text` by Eva in #forvaltning; the (private) answer."""
        response = self.running.slack.command(text, user_id=self.eva, channel_id=self.forvaltning)
        assert response.status == 200, response.text
        body: dict[str, Any] = response.json
        return body


@pytest.fixture
def stage(start_bot: Callable[[], RunningBot], workspace: Workspace) -> Stage:
    w = workspace
    state = w.fake.state
    # Two channels a page: every look-up of who is where walks Slack's cursors.
    state.page_size = 2
    eva = state.add_user("eva", real_name="Eva Ek", locale="sv-SE")
    forvaltning = state.add_channel("forvaltning", members=(w.anna, eva))
    everyone = (w.anna, w.erik, w.sara)
    drift = state.add_channel("drift", members=everyone)
    kommunstyrelsen = state.add_channel("kommunstyrelsen", members=everyone, bot_member=False)
    for n in range(5):  # Eva is in other channels too: her list of channels spans pages
        state.add_channel(f"eva-{n}", members=(eva,))
    running = start_bot()
    run(running, w, "nytt Kommunen X")  # the real project, Anna's, in #kommunen-x
    return Stage(running, w, eva, forvaltning, drift, kommunstyrelsen)


def settings_of(s: Stage) -> tuple[str | None, list[str]]:
    """Eva's project's vote channel and stakeholder channels, as stored."""
    with s.running.bot.db.reading() as session:
        project = projects.project_in_channel(
            session=session, team_id=s.w.fake.state.team.id, channel_id=s.forvaltning
        )
        assert project is not None and project.id is not None
        return project.vote_channel_id, projects.stakeholders_of(
            session=session, project_id=project.id
        )


def private(body: dict[str, Any]) -> str:
    assert body.get("response_type") == "ephemeral", body
    return json.dumps(body, ensure_ascii=False)


def test_a_hostile_member_is_refused_at_every_step_and_nothing_is_posted_or_joined(
    stage: Stage,
) -> None:
    s, w = stage, stage.w
    for look_alike in ("Kommunen X", "kommunen x", "Kömmunen  X"):
        refused = private(s.eva_types(f"nytt {look_alike}"))
        assert "Det finns redan ett projekt som heter *Kommunen X*" in refused
        assert f"<#{w.project_channel}>" in refused
    assert "Kommunen Y" in json.dumps(s.eva_types("nytt Kommunen Y"), ensure_ascii=False)

    for ref in ("1.1", "1.2", "1.3", "1", "2", "3", "4"):
        s.eva_types(f"klar {ref}")
    for key in DOCUMENTS:
        s.eva_types(f"underlag {key} <https://intra.kommun.se/{key}>")
    s.eva_types(f"styrgrupp <@{s.eva}>")
    s.eva_types(f"ordförande <@{s.eva}>")
    crowd = " ".join(f"<@U{n:07d}X>" for n in range(51))
    assert "högst 50 ledamöter" in private(s.eva_types(f"styrgrupp {crowd}"))

    refused = private(
        s.eva_types(f"kanaler <#{s.forvaltning}> <#{s.drift}> <#{s.kommunstyrelsen}>")
    )
    assert f"Du är inte medlem i <#{s.drift}>, <#{s.kommunstyrelsen}>" in refused
    assert f"<#{s.forvaltning}>" not in refused  # she is in that one: it is not the problem
    refused = private(s.eva_types(f"styrgruppskanal <#{s.kommunstyrelsen}>"))
    assert f"Du är inte medlem i <#{s.kommunstyrelsen}>" in refused
    assert settings_of(s) == (None, [])  # nothing changed

    not_ready = private(s.eva_types("milstolpe 2030-01-15 17:00"))
    assert "Minst 3 ledamöter i styrgruppen (nu 1)" in not_ready

    # The marker that the bot has done all it will: everything queued has been settled.
    assert eventually(lambda: undelivered(s.running.bot.db) == 0)
    fake = w.fake
    quiet = {w.project_channel, s.forvaltning, s.drift, s.kommunstyrelsen}
    posted = [c.params.get("channel") for c in fake.state.calls("chat.postMessage")]
    assert quiet.isdisjoint(posted), posted
    assert all(not fake.state.messages(c) for c in quiet)
    assert fake.state.calls("conversations.join") == []
    assert "UBOT" not in fake.state.channels[s.kommunstyrelsen].members
    # Her channels were asked of Slack a page at a time.
    pages = fake.state.calls("users.conversations")
    assert any(c.params.get("cursor") for c in pages)


def test_the_lead_names_channels_she_is_in_and_the_bot_joins_only_those(stage: Stage) -> None:
    """The rightful case beside it: Anna is in #drift and #forvaltning, so both are accepted."""
    s, w = stage, stage.w
    confirmed = run(s.running, w, f"kanaler <#{s.forvaltning}> <#{s.drift}>")
    assert f"Beslutet meddelas i <#{s.forvaltning}>, <#{s.drift}>" in confirmed["text"]
    too_many = " ".join(
        f"<#{w.fake.state.add_channel(f'k{n}', members=(w.anna,))}>" for n in range(11)
    )
    assert "högst 10" in run(s.running, w, f"kanaler {too_many}")["text"]


def test_a_vote_channel_the_bot_is_not_in_is_told_to_the_lead_and_never_joined(
    stage: Stage,
) -> None:
    """The bot joins a public channel only to announce a decision there, never to hold a vote."""
    s, w = stage, stage.w
    ready_the_project(s.running, w, [w.erik, w.sara, w.anna], w.sara, s.kommunstyrelsen)
    opened = run(s.running, w, "milstolpe 2030-01-15 17:00")
    assert f"<#{s.kommunstyrelsen}>" in opened["text"]
    told = eventually(
        lambda: [m for m in w.fake.state.dms_to(w.anna) if "kunde inte läggas ut" in m.text]
    )
    assert told and f"<#{s.kommunstyrelsen}>" in told[0].text and "/invite" in told[0].text
    assert eventually(lambda: undelivered(s.running.bot.db) == 0)
    assert w.fake.state.calls("conversations.join") == []
    assert not w.fake.state.messages(s.kommunstyrelsen)
