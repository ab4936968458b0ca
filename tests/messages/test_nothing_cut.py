"""Nothing is silently cut: with 2,000-character links, 50 members, and each of the 24 who voted
against the outcome entering a 2,000-character reservation, the vote message, the announcement
and the record show every link, vote and name in full, within Block Kit's limits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

import messages
from bot.domain.activities import ActivityStatus
from bot.domain.voting import Choice
from bot.phases import load_phase
from bot.services import activities, decisions, justering, projects, votes
from bot.services.context import Actor, Services
from messages.blocks import MAX_BLOCKS_MESSAGE, MAX_HEADER_TEXT, MAX_SECTION_TEXT
from messages.message import Message
from storage.db import Database, upgrade

TEAM, CHANNEL = "T1", "CPROJ"
LEAD = Actor(TEAM, "ULEAD")
MEMBERS = [f"UMEMBER{n:02d}" for n in range(50)]
NAME = "Kommunen " + "Ö" * 111  # as long as a name may be
NOW = datetime(2026, 11, 23, 8, tzinfo=UTC)


def long_url(key: str) -> str:
    return f"https://intra.kommun.se/{key}/" + "/".join(["avsnitt-å"] * 180)[: 1990 - len(key)]


@pytest.fixture(scope="module")
def closed() -> Iterator[dict[str, Any]]:
    db = Database.from_url("sqlite://")
    upgrade(db.engine)
    phase = load_phase()
    services = Services(
        db=db, phases={phase.key: phase}, default_phase=phase.key, clock=lambda: NOW
    )
    projects.create_project(services, LEAD, CHANNEL, NAME)
    for ref in ("1.1", "1.2", "1.3", "2", "3", "4"):  # the parent follows its children
        activities.set_status(services, LEAD, CHANNEL, ref, ActivityStatus.DONE)
    urls = [long_url(d.key) for d in phase.milestone.documents]
    for d, url in zip(phase.milestone.documents, urls, strict=True):
        activities.link_document(services, LEAD, CHANNEL, d.key, url)
    projects.set_steering(services, LEAD, CHANNEL, MEMBERS)
    projects.set_chair(services, LEAD, CHANNEL, MEMBERS[0])
    justering.set_adjuster(services, LEAD, CHANNEL, MEMBERS[1])
    opened = votes.open_milestone(services, LEAD, CHANNEL)
    assert isinstance(opened, votes.VoteOpened)
    vote_id = opened.vote.vote_id
    # 25 against and 24 for: Ej godkänd, so the 24 who voted for it may reserve (only those
    # against the outcome may: PRODUCT.md's second round).
    for n, member in enumerate(MEMBERS[:-1]):
        votes.cast(services, Actor(TEAM, member), vote_id, Choice.no if n < 25 else Choice.yes)
    open_view = votes.vote_view(services, vote_id)
    view = votes.close_vote(services, Actor(TEAM, MEMBERS[0]), vote_id=vote_id)
    minutes = None
    for n, member in enumerate(MEMBERS[25:-1]):
        reason = f"R{n:02d} " + " ".join(["invändning"] * 180)[:1990]
        minutes = decisions.add_reservation(services, Actor(TEAM, member), vote_id, reason)
    assert minutes is not None
    yield {"urls": urls, "open": open_view, "closed": view, "minutes": minutes}
    db.dispose()


def shown(closed: dict[str, Any], lang: str) -> dict[str, Message]:
    m = closed["minutes"]
    return {
        "vote_open": messages.vote_message(closed["open"], lang),
        "vote_closed": messages.vote_message(closed["closed"], lang),
        "announcement": messages.announcement(
            closed["closed"], "https://slack.test/archives/C1/p1", lang
        ),
        "minutes": messages.minutes(m.record, m.reservations, [], lang),
    }


def texts(message: Message) -> str:
    found = []
    for block in message.blocks:
        assert len(block.get("text", {}).get("text", "")) <= MAX_SECTION_TEXT
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= MAX_HEADER_TEXT
        for element in [block.get("text"), *block.get("elements", [])]:
            if isinstance(element, dict) and "text" in element:
                found.append(element["text"] if isinstance(element["text"], str) else "")
    return "\n".join(found)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_link_vote_and_name_is_shown_whole(closed: dict[str, Any], lang: str) -> None:
    for name, message in shown(closed, lang).items():
        assert len(message.blocks) <= MAX_BLOCKS_MESSAGE, name
        shown_text = texts(message)
        assert "…" not in shown_text, name
        assert "Ö" * 111 in shown_text, name
        for url in closed["urls"]:
            assert f"<{url}|" in shown_text, name
        for member in MEMBERS:
            assert f"<@{member}>" in shown_text, (name, member)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_reservation_is_in_the_record_whole(closed: dict[str, Any], lang: str) -> None:
    record = texts(shown(closed, lang)["minutes"])
    assert len(closed["minutes"].reservations) == 24
    for reservation in closed["minutes"].reservations:
        words = reservation["reason"].split(" ")
        assert record.count(f"> {words[0]} ") == 1
        # Split between sections, a reservation's every piece stays quoted.
        assert record.count("invändning") >= len(closed["minutes"].reservations) * (len(words) - 1)
    said = [line for line in record.split("\n") if "invändning" in line]
    assert said and all(line.startswith("> ") for line in said)
