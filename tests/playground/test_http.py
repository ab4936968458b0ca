"""The playground over HTTP, without a browser: the page, its JSON endpoints, the bot behind."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from bot.playground import Playground
from bot.playground import run as run_playground
from bot.wiring import Bot
from tests.playground.support import Page, http, start_playground
from tests.support.waiting import eventually


@pytest.fixture
def playground() -> Iterator[Playground]:
    running = start_playground()
    yield running
    running.stop()
    assert running.fake is not None and running.fake.errors == []


@pytest.fixture
def page(playground: Playground) -> Page:
    return Page(playground)


def dm(page: Page, person: str) -> str:
    [conversation] = [c for c in page.state(person)["conversations"] if c["kind"] == "dm"]
    return str(conversation["id"])


def test_the_page_and_its_static_files_are_served_with_a_strict_policy(page: Page) -> None:
    index = http(page.url + "/")
    assert index.status == 200
    assert index.headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in index.headers["Content-Security-Policy"]
    assert '<script src="/static/playground.js" defer></script>' in index.text
    script = http(page.url + "/static/playground.js")
    assert (script.status, script.headers["Content-Type"]) == (
        200,
        "text/javascript; charset=utf-8",
    )
    assert http(page.url + "/static/playground.css").headers["Content-Type"].startswith("text/css")
    assert http(page.url + "/static/../state.py").status == 404
    assert http(page.url + "/nothing-here").status == 404


def test_only_the_page_itself_may_use_it(page: Page) -> None:
    user = page.ids.people["anna"]
    # Another site in the same browser, or a DNS name rebound to loopback, is refused.
    assert http(page.url + "/", headers={"Host": "evil.example:80"}).status == 421
    cross = http(
        page.url + "/playground/home",
        data={"user": user},
        headers={"Origin": "https://evil.example"},
    )
    assert cross.status == 403
    form = http(
        page.url + "/playground/home", raw=b"user=x", headers={"Content-Type": "text/plain"}
    )
    assert form.status == 415
    same = http(page.url + "/playground/home", data={"user": user}, headers={"Origin": page.url})
    assert same.status == 200


def test_the_state_shows_the_roster_and_the_persons_own_conversations(page: Page) -> None:
    state = page.state("anna")
    people = {p["name"]: p for p in state["people"]}
    assert people["anna"]["role"] == "projektledare"
    assert people["karin"]["role"] == "styrgruppens ordförande"
    assert [p for p in people.values() if p["locale"] == "en-US"] == [people["erik"]]
    assert len([p for p in people.values() if "styrgrupp" in p["role"]]) >= 3
    assert state["me"]["name"] == "anna" and state["lang"] == "sv"
    assert state["current"] == page.ids.channels["kommunen-x"]
    kinds = [c["kind"] for c in state["conversations"]]
    assert kinds[:2] == ["home", "dm"]
    erik_channels = {c["name"] for c in page.state("erik")["conversations"][2:]}
    assert erik_channels == {"kommunen-x", "allmant"}  # not the steering group's channel
    assert page.state("erik")["lang"] == "en"


def test_commands_answer_in_the_channel_or_privately(page: Page) -> None:
    created = page.type("anna", "kommunen-x", "/forvaltning nytt Kommunen X")
    assert created.json == {"ok": True}
    for person in ("anna", "sara"):
        html = page.state(person, "kommunen-x")["html"]
        assert "/forvaltning nytt Kommunen X" in html  # Slack shows the command above the answer
        assert "Kommunen X" in html and "ephemeral" not in html

    page.type("anna", "kommunen-x", "/forvaltning ansvarig 1.2 @erik")
    anna = page.state("anna", "kommunen-x")["html"]
    assert "Endast synlig för dig" in anna and "/forvaltning ansvarig 1.2 @erik" in anna
    assert "@Erik Eriksson</span> är ansvarig för <strong>1.2</strong>" in anna
    assert "ansvarig för" not in page.state("sara", "kommunen-x")["html"]

    # The owner's DM comes through the bot's outbox, in Erik's language.
    erik_dm = dm(page, "erik")
    html = eventually(
        lambda: (
            page.state("erik", erik_dm)["html"]
            if "owner" in page.state("erik", erik_dm)["html"]
            else ""
        )
    )
    assert "made you owner of <strong>1.2</strong>" in html


def test_plain_text_is_a_message_and_unknown_commands_are_refused(page: Page) -> None:
    assert page.type("per", "allmant", "Hej @anna, se #kommunen-x").status == 200
    html = page.state("anna", "allmant")["html"]
    assert '<span class="mention" data-user="' in html and "@Anna Andersson" in html
    assert 'data-channel="' + page.ids.channels["kommunen-x"] + '">#kommunen-x</a>' in html
    unknown = page.type("anna", "allmant", "/giphy katt")
    assert unknown.status == 400 and "/forvaltning" in unknown.json["error"]
    outside = page.type("per", "styrgrupp", "/forvaltning status")
    assert outside.status == 400


def _home(page: Page, person: str) -> str:
    return str(page.state(person, "home")["html"])


def _view_id(html: str) -> str:
    found = re.search(r'data-container="view" data-view="([^"]+)"', html)
    assert found, html
    return found.group(1)


def _button(html: str, action: str) -> dict[str, str]:
    found = re.search(
        rf'data-action-id="{action}" data-block-id="[^"]*" data-value="([^"]*)"', html
    )
    assert found, html
    return {"action_id": action, "value": found.group(1)}


def test_home_buttons_and_the_reason_modal(page: Page) -> None:
    page.type("anna", "kommunen-x", "/forvaltning nytt Kommunen X")
    page.type("anna", "kommunen-x", "/forvaltning ansvarig 1.2 @erik")
    page.type("anna", "kommunen-x", "/forvaltning ansvarig 2 @erik")
    assert page.act("home", "erik").status == 200
    home = eventually(lambda: _home(page, "erik") if "1.2" in _home(page, "erik") else "")
    assert "My activities" in home

    done = page.act("click", "erik", view=_view_id(home), **_button(home, "activity_done"))
    assert done.json == {"ok": True}
    eventually(lambda: "1.2" not in _home(page, "erik"))
    home = _home(page, "erik")
    assert "1.2" not in home and "<strong>2</strong>" in home

    page.act("click", "erik", view=_view_id(home), **_button(home, "activity_blocked"))
    modal: dict[str, Any] = eventually(lambda: page.state("erik", "home")["modal"])
    assert modal["title"] == "Blocked" and "What blocks it?" in modal["html"]
    empty = page.act("submit", "erik", view=modal["id"], values={"reason": {"reason_text": " "}})
    assert empty.status == 200
    refused = page.state("erik", "home")["modal"]
    assert refused["id"] == modal["id"] and "bk-error" in refused["html"]
    page.act("submit", "erik", view=modal["id"], values={"reason": {"reason_text": "Väntar på IT"}})
    assert page.state("erik", "home")["modal"] is None
    page.type("anna", "kommunen-x", "/forvaltning status")
    assert "Väntar på IT" in page.state("anna", "kommunen-x")["html"]


def test_a_refused_click_in_a_private_reply_is_answered_privately_via_response_url(
    page: Page,
) -> None:
    page.type("anna", "kommunen-x", "/forvaltning nytt Kommunen X")
    page.type("anna", "kommunen-x", "/forvaltning ansvarig 1.2 @erik")
    page.type("erik", "kommunen-x", "/forvaltning mine")
    html = page.state("erik", "kommunen-x")["html"]
    [ts] = re.findall(
        r'class="msg ephemeral" data-container="message" data-channel="[^"]+" data-ts="([^"]+)"',
        html,
    )[-1:]
    page.type("anna", "kommunen-x", "/forvaltning ansvarig 1.2 @sara")  # no longer Erik's

    clicked = page.act(
        "click",
        "erik",
        channel=page.ids.channels["kommunen-x"],
        ts=ts,
        **_button(html, "activity_done"),
    )

    assert clicked.json == {"ok": True}
    after = page.state("erik", "kommunen-x")["html"]
    assert after.count("Only visible to you") == html.count("Only visible to you") + 1
    assert "Only" in after.rsplit('class="msg ephemeral"', 1)[1]


def test_views_belong_to_their_person(page: Page) -> None:
    assert page.act("submit", "anna", view="V404", values={}).status == 400
    assert page.act("close", "anna", view="V404").status == 400
    page.type("anna", "kommunen-x", "/forvaltning nytt Kommunen X")
    page.type("anna", "kommunen-x", "/forvaltning ansvarig 2 @erik")
    page.act("home", "erik")
    home = eventually(
        lambda: _home(page, "erik") if "<strong>2</strong>" in _home(page, "erik") else ""
    )
    stolen = page.act("click", "anna", view=_view_id(home), **_button(home, "activity_done"))
    assert stolen.status == 400
    page.act("click", "erik", view=_view_id(home), **_button(home, "activity_na"))
    modal = eventually(lambda: page.state("erik", "home")["modal"])
    assert page.act("submit", "anna", view=modal["id"], values={}).status == 400
    assert page.act("close", "erik", view=modal["id"]).json == {"ok": True}
    assert page.state("erik", "home")["modal"] is None
    assert page.act("submit", "erik", view=modal["id"], values={}).status == 400


def test_hostile_names_and_text_are_escaped_in_what_the_page_shows(
    playground: Playground, page: Page
) -> None:
    assert playground.fake is not None
    state = playground.fake.state
    hostile = state.add_user("mallory", real_name='<img src=x onerror="alert(1)">')
    channel = page.ids.channels["allmant"]
    state.set_member(channel, hostile)
    state.post(channel, user=hostile, text="<script>alert(2)</script> &lt;b&gt;", blocks=[])
    page.type("anna", "allmant", "hej @mallory </textarea><script>alert(3)</script>")

    data = page.state("anna", "allmant")
    html = data["html"]
    assert "<img" not in html and "<script" not in html
    assert "@&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html
    # Names in the roster travel as JSON and are written into the page with textContent.
    assert any(p["real_name"].startswith("<img") for p in data["people"])


def test_demo_seeds_a_project_half_way_to_the_milestone() -> None:
    running = start_playground(demo=True)
    try:
        page = Page(running)
        page.type("anna", "kommunen-x", "/forvaltning status")
        html = page.state("anna", "kommunen-x")["html"]
        assert "3 av 6 klara" in html
        assert "Saknas inför Milstolpe VII" in html
        assert "1.2, 2, 4" in html
        assert "effekthemtagningsplan, slutrapport" in html
        assert "Ingen styrgrupp" not in html and "Ingen ordförande" not in html
        assert "Ingen justerare" not in html
        # Seeding went through the bot: the owners' DMs were sent by its outbox.
        erik_dm = dm(page, "erik")
        assert eventually(lambda: "made you owner" in page.state("erik", erik_dm)["html"])

        # The README's way from here to the milestone.
        page.act("home", "erik")
        for number in ("1.2", "2"):

            def listed(n: str = number) -> str:
                home = _home(page, "erik")
                return home if f"<strong>{n}</strong>" in home else ""

            home = eventually(listed)
            button = re.search(
                rf'<strong>{re.escape(number)}</strong>.*?data-action-id="activity_done" '
                r'data-block-id="[^"]*" data-value="([^"]*)"',
                home,
                re.DOTALL,
            )
            assert button, home
            page.act(
                "click",
                "erik",
                view=_view_id(home),
                action_id="activity_done",
                value=button.group(1),
            )
        for typed in (
            "klar 4",
            "underlag effekthemtagningsplan https://dokument.example.se/e.pdf",
            "underlag slutrapport https://dokument.example.se/s.pdf",
            "status",
        ):
            page.type("anna", "kommunen-x", f"/forvaltning {typed}")
        assert "Klart för Milstolpe VII" in page.state("anna", "kommunen-x")["html"]
    finally:
        running.stop()


def test_a_taken_port_is_explained_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert run_playground(Bot.build, port=port, demo=False, log_level="WARNING") == 3
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err
