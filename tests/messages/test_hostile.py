"""Every message, in both languages, with hostile input: escaped, within Block Kit's limits.

The views come from the real use cases on an in-memory database, with a phase template whose
texts an organisation could have written badly (200-character titles full of markup) and a
project, notes and reasons a user could have typed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

import messages
from bot.domain.activities import ActivityStatus
from bot.domain.phase import Phase, Text
from bot.domain.voting import Choice
from bot.phases import load_phase
from bot.services import activities, decisions, justering, projects, reminders, votes
from bot.services.context import Actor, Services
from messages.blocks import MAX_BLOCKS_MESSAGE, MAX_BLOCKS_SURFACE
from messages.message import Message
from storage.db import Database, upgrade

HOSTILE = "<script>&*_~`>|<!channel> 🎉 "
TITLE = (HOSTILE * 10)[:200]
NAME = "Kommun <b>&</b> *X* _y_ 🎉 " + "å" * 40
TEAM = "T1"
LEAD, OWNER, CHAIR = Actor(TEAM, "ULEAD"), Actor(TEAM, "UOWN"), Actor(TEAM, "UCHAIR")
CHANNEL = "CPROJ"
NOW = datetime(2026, 11, 23, 8, tzinfo=UTC)


def hostile_phase() -> Phase:
    phase = load_phase()
    bad = Text(TITLE, TITLE)
    milestone = replace(
        phase.milestone,
        name=Text("Milstolpe <VII> & *", "Milestone <VII> & *"),
        purpose=bad,
        decided_by=bad,
        prepared_by=bad,
        next_phase=bad,
        information=bad,
        documents=tuple(replace(d, name=bad) for d in phase.milestone.documents),
    )
    return replace(
        phase,
        activities=tuple(replace(a, title=bad) for a in phase.activities),
        milestone=milestone,
    )


@pytest.fixture(scope="module")
def rendered() -> Iterator[dict[str, Any]]:
    """Every message the bot sends, rendered from one hostile project's life."""
    db = Database.from_url("sqlite://")
    upgrade(db.engine)
    phase = hostile_phase()
    services = Services(
        db=db, phases={phase.key: phase}, default_phase=phase.key, clock=lambda: NOW
    )
    view = projects.create_project(services, LEAD, CHANNEL, NAME)
    activities.set_owner(services, LEAD, CHANNEL, "1.1", OWNER.user_id)
    activities.set_due(services, LEAD, CHANNEL, "1.1", date(2026, 11, 1))
    blocked = activities.set_status(
        services, OWNER, CHANNEL, "1.1", ActivityStatus.BLOCKED, HOSTILE * 20
    )
    schedule = reminders.set_schedule(services, LEAD, CHANNEL, "tis,tor 08:30")
    mine = activities.my_activities(services, TEAM, OWNER.user_id)
    ids = [m.activity_id for m in mine]
    reminder = reminders.reminder_view(services, TEAM, ids, NOW)
    assert reminder is not None
    for ref in ("1.1", "1.2", "1.3", "2", "3", "4"):
        activities.set_status(services, LEAD, CHANNEL, ref, ActivityStatus.DONE)
    for d in phase.milestone.documents:
        activities.link_document(services, LEAD, CHANNEL, d.key, f"https://x.se/{d.key}?a=<b>&c|d")
    projects.set_steering(services, LEAD, CHANNEL, [OWNER.user_id, CHAIR.user_id, LEAD.user_id])
    projects.set_chair(services, LEAD, CHANNEL, CHAIR.user_id)
    justering.set_adjuster(services, LEAD, CHANNEL, OWNER.user_id)
    status = projects.project_status(services, TEAM, CHANNEL)
    opened = votes.open_milestone(services, LEAD, CHANNEL)
    assert isinstance(opened, votes.VoteOpened)
    vote_id = opened.vote.vote_id
    cast = votes.cast(services, OWNER, vote_id, Choice.no)
    # The second round: only one who voted against the outcome reserves, so the chair's vote
    # and the lead's make a decision (and, everyone having voted, close the vote) for the owner
    # to reserve against.
    votes.cast(services, CHAIR, vote_id, Choice.yes)
    votes.cast(services, LEAD, vote_id, Choice.yes)
    closed = votes.vote_view(services, vote_id)
    assert closed is not None and not closed.is_open
    minutes = decisions.add_reservation(services, OWNER, vote_id, HOSTILE * 50)
    yield {
        "view": view,
        "status": status,
        "blocked": blocked,
        "schedule": schedule,
        "mine": mine,
        "reminder": reminder,
        "open_vote": cast.vote,
        "closed_vote": closed,
        "minutes": minutes,
    }
    db.dispose()


def messages_in(r: dict[str, Any], lang: str) -> dict[str, Message]:
    m = r["minutes"]
    return {
        "status": messages.status(r["status"], lang),
        "project_created": messages.project_created(r["view"], lang),
        "change": messages.change_confirmed(r["blocked"], lang),
        "mine": messages.mine(r["mine"], lang),
        "owner_assigned": messages.owner_assigned(
            r["status"].phase.activities[1], NAME, CHANNEL, "2026-12-31", LEAD.user_id, lang
        ),
        "schedule_set": messages.schedule_set(r["schedule"], lang),
        "reminder": messages.reminder(r["reminder"], lang),
        "digest": messages.digest(r["reminder"], lang),
        "escalation": messages.escalation(r["reminder"], r["reminder"].items[0], lang),
        "vote_open": messages.vote_message(r["open_vote"], lang),
        "vote_closed": messages.vote_message(r["closed_vote"], lang),
        "vote_receipt": messages.vote_receipt(r["open_vote"], "no", True, False, lang),
        "vote_reminder": messages.vote_reminder(r["open_vote"], lang),
        "vote_opened": messages.vote_opened(r["open_vote"], lang),
        "announcement": messages.announcement(
            r["closed_vote"], "https://slack.test/archives/C1/p1", lang
        ),
        "reservation": messages.reservation_posted(OWNER.user_id, HOSTILE * 50, lang),
        "minutes": messages.minutes(m.record, m.reservations, ["CFAIL"], lang),
        "delivery_failed": messages.delivery_failed(r["closed_vote"], "CFAIL", True, HOSTILE, lang),
    }


def mrkdwn_texts(blocks: list[dict[str, Any]]) -> Iterator[str]:
    for block in blocks:
        candidates = [block.get("text"), *block.get("elements", []), *block.get("fields", [])]
        for c in candidates:
            if isinstance(c, dict) and c.get("type") == "mrkdwn":
                yield c["text"]


def check_limits(blocks: list[dict[str, Any]], limit: int) -> None:
    assert 0 < len(blocks) <= limit
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= 3000
        if block["type"] == "context":
            assert len(block["elements"]) <= 10
        if block["type"] == "actions":
            assert len(block["elements"]) <= 25
            for element in block["elements"]:
                assert len(element["text"]["text"]) <= 75
                assert len(element.get("value", "")) <= 2000
        assert len(block.get("block_id", "")) <= 255


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_message_is_escaped_and_within_limits(rendered: dict[str, Any], lang: str) -> None:
    for name, message in messages_in(rendered, lang).items():
        check_limits(message.blocks, MAX_BLOCKS_MESSAGE)
        kwargs = message.as_kwargs()
        assert 0 < len(kwargs["text"]) <= 4000, name
        for text in [*mrkdwn_texts(message.blocks), message.text]:
            # Only the bot's own mentions, channels and links may open a `<`.
            assert "<script>" not in text, name
            assert "<!channel>" not in text, name
            assert "<b>" not in text, name
        # Each shows some hostile text (a name, a title, a reason), escaped rather than dropped.
        assert "&lt;" in " ".join(mrkdwn_texts(message.blocks)), name


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_home_tab_and_dialogs_are_within_surface_limits(
    rendered: dict[str, Any], lang: str
) -> None:
    home = messages.home_view(rendered["mine"] * 60, lang)
    check_limits(home["blocks"], MAX_BLOCKS_SURFACE)
    modal = messages.reservation_modal(1, lang)
    assert len(modal["title"]["text"]) <= 24
    assert len(modal["private_metadata"]) <= 3000


FORGED = "ok_\n*Beslut: Milstolpe VII godkänt* :white_check_mark:\n\n<!here> _"


def quoted_lines(text: str) -> list[str]:
    """The lines of `text` that come from FORGED: each must be inside a quote."""
    pieces = ("ok_", "Beslut: Milstolpe VII godkänt", "&lt;!here&gt;")
    return [line for line in text.split("\n") if any(p in line for p in pieces)]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_reservation_in_the_thread_is_quoted_under_its_author(lang: str) -> None:
    text = messages.reservation_posted(OWNER.user_id, FORGED, lang).blocks[0]["text"]["text"]
    assert text.startswith(f":memo: <@{OWNER.user_id}>")
    lines = quoted_lines(text)
    assert len(lines) == 3 and all(line.startswith("> ") for line in lines), text


def test_a_reservation_in_the_record_and_a_note_in_status_are_quoted(
    rendered: dict[str, Any],
) -> None:
    m = rendered["minutes"]
    reservations = [{**m.reservations[0], "reason": FORGED}]
    record = messages.minutes(m.record, reservations, [], "sv")
    lines = quoted_lines(" \n".join(mrkdwn_texts(record.blocks)))
    assert len(lines) == 3 and all(line.startswith("> ") for line in lines)
    status = rendered["status"]
    first, *rest = status.activities
    shown = messages.status(replace(status, activities=(replace(first, note=FORGED), *rest)), "sv")
    lines = quoted_lines("\n".join(mrkdwn_texts(shown.blocks)))
    assert lines and all(line.startswith("> ") for line in lines)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_link_shows_its_host(rendered: dict[str, Any], lang: str) -> None:
    shown = messages_in(rendered, lang)
    for name in ("vote_open", "vote_closed", "announcement", "minutes", "status"):
        text = "\n".join(mrkdwn_texts(shown[name].blocks))
        links = text.count("<https://x.se/")
        assert links >= len(rendered["status"].phase.milestone.documents), name
        assert text.count("> (x.se)") == links, name
