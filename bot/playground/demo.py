"""`--demo`: a project half-way through Etablera förvaltning, set up through signed commands.

The steps are what people would type, sent through the same path as the page, so the seeded
project is exactly what the bot makes of real input (owners get their DMs, the audit log is
written). What is left for a newcomer: Erik finishes 1.2 and 2 (Home tab buttons), Anna finishes
4 and links the last two documents, and then the steering group's Milstolpe VII vote.

To extend it when the vote and the announcement exist, append steps (e.g. Anna typing
`/forvaltning milstolpe …` in #kommunen-x): each is one line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.emulator.client import CommandOutcome
from bot.playground.roster import Directory

PROJECT_NAME = "Kommunen X – anslutning till Mina meddelanden"
PROJECT_CHANNEL = "kommunen-x"
DOCUMENTS = "https://dokument.example.se/kommunen-x"


@dataclass(frozen=True)
class Step:
    person: str  # a roster handle
    channel: str  # a channel name
    text: str  # what the person types, `/forvaltning …` included


def script(today: date) -> list[Step]:
    """The demo's commands; dates are relative to `today`, so the demo never ages."""

    def day(offset: int) -> str:
        return (today + timedelta(days=offset)).isoformat()

    def anna(text: str) -> Step:
        return Step("anna", PROJECT_CHANNEL, f"/forvaltning {text}")

    return [
        anna(f"nytt {PROJECT_NAME}"),
        anna("ansvarig 1.1 @sara"),
        anna("ansvarig 1.2 @erik"),
        anna("ansvarig 1.3 @sara"),
        anna("ansvarig 2 @erik"),
        anna("ansvarig 3 @johan"),
        anna("ansvarig 4 @anna"),
        anna(f"datum 1.1 {day(-21)}"),
        anna(f"datum 1.2 {day(7)}"),
        anna(f"datum 1.3 {day(-7)}"),
        anna(f"datum 2 {day(10)}"),
        anna(f"datum 3 {day(-3)}"),
        anna(f"datum 4 {day(14)}"),
        Step("sara", PROJECT_CHANNEL, "/forvaltning klar 1.1 Beslutad i kommunstyrelsen"),
        Step("sara", PROJECT_CHANNEL, "/forvaltning klar 1.3 Förvaltningsplanen är fastställd"),
        Step("johan", PROJECT_CHANNEL, "/forvaltning ej-aktuell 3 Inget återstående arbete"),
        Step("erik", PROJECT_CHANNEL, "/forvaltning doing 1.2 contract draft with the supplier"),
        anna(f"underlag forvaltningsplan {DOCUMENTS}/forvaltningsplan.pdf"),
        anna(f"underlag samverkansavtal {DOCUMENTS}/samverkansavtal.pdf"),
        anna(f"underlag driftplan {DOCUMENTS}/driftplan.pdf"),
        anna("styrgrupp @karin @lars @maria"),
        anna("ordförande @karin"),
        anna("justerare @lars"),
        anna("ersättare @ingrid @olle"),
        anna("adjungerade @nils"),
        anna("styrgruppskanal #styrgrupp"),
        anna("kanaler #forvaltning #drift"),
    ]


class SeedError(RuntimeError):
    """A demo step the bot did not accept with HTTP 200: the demo would be misleading."""


def seed(run: Callable[[str, str, str], CommandOutcome], ids: Directory, steps: list[Step]) -> None:
    """Send each step as its person would; `run(user_id, channel_id, typed)` sends one."""
    for step in steps:
        outcome = run(ids.people[step.person], ids.channels[step.channel], step.text)
        if outcome.status != 200:
            raise SeedError(f"demo step {step.text!r} got HTTP {outcome.status}")
