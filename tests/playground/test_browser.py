"""Acceptance: the playground in a real browser, walked as the people of a project.

Playwright drives Debian's chromium at /usr/bin/chromium (`scripts/ensure-chromium` installs it;
Playwright never downloads a browser here). Without it the test is skipped locally and fails in
CI (CI=true). Screenshots of every step go to build/screenshots/.

The flow is a list of steps, each a function of the screen: when the vote and the announcement
exist, their steps are appended to FLOW and nothing else changes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.playground import Playground
from tests.playground.support import start_playground

CHROMIUM = Path("/usr/bin/chromium")
# The flags this machine's notes give for headless chromium: no sandbox as root, and none of
# the background connections a closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
WAIT_MS = 15_000  # every wait is bounded; the outbox sends at most one message a second


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (make install)"
    if not CHROMIUM.exists():
        return f"no browser at {CHROMIUM} (scripts/ensure-chromium installs Debian's chromium)"
    return None


if (reason := _missing()) is not None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs the browser test: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

pytestmark = pytest.mark.timeout(300)


class Screen:
    """One browser tab on the playground, used the way a person would: pick who you are,
    open a conversation, type, click, fill in a dialog."""

    def __init__(self, page: Page, playground: Playground, shots: Path) -> None:
        self.page = page
        self.playground = playground
        self.shots = shots
        self.taken = 0
        page.set_default_timeout(WAIT_MS)
        expect.set_options(timeout=WAIT_MS)

    def be(self, handle: str) -> None:
        assert self.playground.ids is not None
        self.page.select_option("#person", value=self.playground.ids.people[handle])
        expect(self.page.locator("#role")).to_contain_text(f"@{handle} ")

    def open(self, channel: str) -> None:
        self.page.locator("nav .conv", has_text=f"# {channel}").click()
        expect(self.page.locator("#conv-title")).to_have_text(f"# {channel}")

    def open_dm(self) -> None:
        self.page.locator("nav .conv[data-kind=dm]").click()
        expect(self.page.locator("#conv-title")).to_contain_text("Förvaltningsbot –")

    def open_home(self) -> None:
        self.page.locator("nav .conv[data-kind=home]").click()
        expect(self.page.locator("#conversation .home")).to_be_visible()

    def type(self, text: str) -> None:
        box = self.page.locator("#message")
        box.fill(text)
        box.press("Enter")
        expect(box).to_have_value("")  # cleared once the bot has answered

    def sees(self, text: str | re.Pattern[str]) -> None:
        expect(self.page.locator("#conversation")).to_contain_text(text)

    def last_reply(self, text: str | re.Pattern[str]) -> None:
        expect(self.page.locator("#conversation .msg").last).to_contain_text(text)

    def click(self, label: str, *, near: str) -> None:
        """Press the button `label` under the item that says `near` (Home tab, `mina`)."""
        actions = self.page.locator(f'.bk-section:has-text("{near}") + .bk-actions')
        actions.get_by_role("button", name=label, exact=True).click()

    def shot(self, name: str) -> None:
        self.taken += 1
        self.page.screenshot(path=str(self.shots / f"{self.taken:02d}-{name}.png"), full_page=True)


def anna_creates_the_project(s: Screen) -> None:
    s.be("anna")
    s.open("kommunen-x")
    s.type("/forvaltning nytt Kommunen X")
    s.sees("skapade projektet Kommunen X i den här kanalen")


def anna_assigns_owners_and_dates(s: Screen) -> None:
    for activity, owner in [("1.1", "sara"), ("1.2", "erik"), ("1.3", "sara"), ("2", "erik")]:
        s.type(f"/forvaltning ansvarig {activity} @{owner}")
        s.last_reply(f"är ansvarig för {activity}")
    s.type("/forvaltning datum 1.2 2030-06-30")
    s.last_reply("ska vara klar 2030-06-30")
    s.last_reply("Endast synlig för dig")


def erik_completes_his_activities_in_english(s: Screen) -> None:
    s.be("erik")
    s.open_dm()
    s.sees("made you owner of 1.2")
    s.open_home()
    s.sees("My activities")
    s.click("Done", near="Secure management and the operations agreement")
    expect(s.page.locator("#conversation")).not_to_contain_text("operations agreement")
    s.open("kommunen-x")
    s.type("/forvaltning done 2 handed over to the management organisation")
    s.last_reply("Done – handed over")


def sara_reports_a_blocker_and_then_finishes(s: Screen) -> None:
    s.be("sara")
    s.open_home()
    s.click("Blockerad…", near="nyttorealiseringsplan")
    dialog = s.page.locator("#modal")
    expect(dialog).to_be_visible()
    s.page.locator("#modal-submit").click()  # empty: the bot asks for the reason
    expect(dialog.locator(".bk-error")).to_be_visible()
    s.shot("sara-must-give-a-reason")
    dialog.locator("textarea").fill("Väntar på beslut i nämnden")
    s.page.locator("#modal-submit").click()
    expect(dialog).to_be_hidden()
    s.sees("⛔ Blockerad")
    s.click("Klar", near="nyttorealiseringsplan")
    expect(s.page.locator("#conversation")).not_to_contain_text("nyttorealiseringsplan")
    s.click("Klar", near="en förvaltningsplan")
    s.sees("Du har inga öppna aktiviteter")


def anna_links_the_documents(s: Screen) -> None:
    s.be("anna")
    s.open("kommunen-x")
    for document in [
        "forvaltningsplan",
        "samverkansavtal",
        "driftplan",
        "effekthemtagningsplan",
        "slutrapport",
    ]:
        s.type(f"/forvaltning underlag {document} https://dokument.example.se/{document}.pdf")
        s.last_reply("är länkad")


def anna_sets_the_steering_group(s: Screen) -> None:
    s.type("/forvaltning styrgrupp @karin @lars @maria")
    s.last_reply("Styrgruppen: @Karin Berg, @Lars Nilsson, @Maria Holm")
    s.type("/forvaltning ordförande @karin")
    s.last_reply("är styrgruppens ordförande")
    s.type("/forvaltning justerare @lars")
    s.last_reply("justerar protokollet tillsammans med ordföranden")
    s.type("/forvaltning styrgruppskanal #styrgrupp")
    s.type("/forvaltning kanaler #forvaltning #drift")
    s.last_reply("Beslutet meddelas i #forvaltning, #drift")


def anna_names_the_ersattare_and_the_coopted(s: Screen) -> None:
    s.type("/forvaltning ersättare @ingrid @olle")
    s.last_reply("Styrgruppens ersättare, i tur och ordning: @Ingrid Åberg, @Olle Sund")
    s.type("/forvaltning adjungerade @nils")
    s.last_reply("Adjungerade (deltar utan rösträtt): @Nils Ek")


def anna_finds_the_project_ready_for_the_milestone(s: Screen) -> None:
    s.type("/forvaltning ej-aktuell 3 Inget återstående arbete")
    s.type("/forvaltning klar 4 Slutrapporten är skriven")
    s.type("/forvaltning status")
    s.last_reply("Klart för Milstolpe VII")


def anna_opens_the_vote(s: Screen) -> None:
    s.type("/forvaltning milstolpe 2030-01-15 17:00")
    s.last_reply("är öppen i #styrgrupp till 2030-01-15 17:00")


def maria_declares_jav_and_ingrid_steps_in(s: Screen) -> None:
    s.be("maria")
    s.open("styrgrupp")
    s.type("/forvaltning jäv part min make äger leverantören")
    s.last_reply("Du har anmält jäv")
    s.sees("@Ingrid Åberg för @Maria Holm")
    s.shot("ingrid-serves-for-maria")


def the_steering_group_votes(s: Screen) -> None:
    # Maria is jävig: Ingrid, her ersättare, votes in her seat.
    for member, choice in [("karin", "Godkänn"), ("lars", "Godkänn"), ("ingrid", "Avstår")]:
        s.be(member)
        s.open("styrgrupp")
        s.sees("Styrgruppen beslutar om Milstolpe VII")
        vote = s.page.locator("#conversation .msg", has_text="Milstolpe VII").first
        vote.get_by_role("button", name=choice, exact=True).click()
        s.sees(re.compile(rf"{choice}\s*\(\d\)"))
    # The last eligible member has voted: the vote closes itself and says so.
    s.sees("Beslut: Godkänd")
    s.shot("the-vote-message")


def per_sees_the_announcement(s: Screen) -> None:
    s.be("per")
    s.open("forvaltning")
    s.sees("har godkänt Milstolpe VII")
    s.sees("Realisera nyttor")
    s.shot("the-announcement")


FLOW: list[Callable[[Screen], None]] = [
    anna_creates_the_project,
    anna_assigns_owners_and_dates,
    erik_completes_his_activities_in_english,
    sara_reports_a_blocker_and_then_finishes,
    anna_links_the_documents,
    anna_sets_the_steering_group,
    anna_names_the_ersattare_and_the_coopted,
    anna_finds_the_project_ready_for_the_milestone,
    anna_opens_the_vote,
    maria_declares_jav_and_ingrid_steps_in,
    the_steering_group_votes,
    per_sees_the_announcement,
]


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def playground() -> Iterator[Playground]:
    running = start_playground()
    yield running
    running.stop()
    assert running.fake is not None and running.fake.errors == []


def test_a_project_goes_from_creation_to_the_announced_decision(
    browser: Browser, playground: Playground
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(playground.url)
    screen = Screen(page, playground, SCREENSHOTS)
    for step in FLOW:
        step(screen)
        screen.shot(step.__name__)
    assert errors == []


def test_hostile_names_stay_text_in_the_browser(browser: Browser, playground: Playground) -> None:
    assert playground.fake is not None and playground.ids is not None
    state = playground.fake.state
    payload = '<img src=x onerror="window.pwned=1">'
    mallory = state.add_user("mallory", real_name=payload)
    channel = playground.ids.channels["allmant"]
    state.set_member(channel, mallory)
    state.post(
        channel, user=mallory, text=f"hej <@{playground.ids.people['anna']}> {payload}", blocks=[]
    )
    page = browser.new_page()
    page.goto(playground.url)
    screen = Screen(page, playground, SCREENSHOTS)
    screen.be("anna")
    screen.open("allmant")
    screen.sees(payload)
    expect(page.locator("#person")).to_contain_text(payload)
    assert page.locator("#conversation img").count() == 0
    assert page.evaluate("window.pwned") is None
