"""Issue 4/8 end to end: readiness, the vote in Slack, jäv, closing, the decision record."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import col

from bot.emulator import Message
from storage.models import AuditEntry, Ballot, Vote
from tests.support.bot import RunningBot, Workspace, run
from tests.support.project import DOCUMENTS, ready_the_project
from tests.support.waiting import eventually


@dataclass
class Board:
    """The steering group: Sara chairs; Erik (English), Maria and Olof are members; Anna leads."""

    running: RunningBot
    w: Workspace
    maria: str
    channel: str  # #styrgrupp, where the vote is held
    olof: str = ""


@pytest.fixture
def board(start_bot: Callable[[], RunningBot], workspace: Workspace) -> Board:
    w = workspace
    maria = w.fake.state.add_user("maria", real_name="Maria Månsson", locale="sv-SE")
    olof = w.fake.state.add_user("olof", real_name="Olof Olsson", locale="sv-SE")
    members = (w.anna, w.erik, w.sara, maria, olof)
    channel = w.fake.state.add_channel("styrgrupp", members=members)
    running = start_bot()
    run(running, w, "nytt Kommunen X")
    return Board(running, w, maria, channel, olof)


def vote_message(b: Board) -> Message:
    found = eventually(lambda: b.w.fake.state.messages(b.channel))
    assert found, "the vote message was not posted"
    return found[0]


def click(b: Board, action: str, user: str) -> None:
    message = vote_message(b)
    value = str(stored_vote(b).id)
    b.running.slack.click(
        action, user_id=user, channel_id=b.channel, message_ts=message.ts, value=value
    )


def stored_vote(b: Board) -> Vote:
    with b.running.bot.db.session() as session:
        vote = session.exec(select(Vote)).scalars().one()  # type: ignore[call-overload]
        session.expunge(vote)
        return vote  # type: ignore[no-any-return]


def shown(b: Board, *fragments: str) -> Message:
    """The vote message once it shows every fragment (it is redrawn by the outbox sender)."""
    eventually(lambda: all(f in vote_message(b).text for f in fragments))
    message = vote_message(b)
    for fragment in fragments:
        assert fragment in message.text, message.text
    return message


def whispers(b: Board, user: str) -> list[str]:
    return [e.text for e in b.w.fake.state.ephemerals(channel=b.channel, user=user)]


def test_readiness_then_vote_jav_free_tie_decided_by_the_chair(board: Board) -> None:
    b, w = board, board.w
    missing = run(b.running, w, "milstolpe")
    assert "Saknas inför Milstolpe VII" in missing["text"]
    assert "1.1, 1.2, 1.3, 2, 3, 4" in missing["text"]
    assert ", ".join(DOCUMENTS) in missing["text"]
    assert "Ingen justerare" in missing["text"]
    assert stored_vote_count(b) == 0

    ready_the_project(b.running, w, [w.erik, w.sara, b.maria, b.olof], w.sara, b.channel)
    past = run(b.running, w, "milstolpe 2020-01-01 10:00")
    assert "2020-01-01 10:00 har redan passerats" in past["text"]
    assert run(b.running, w, "milstolpe", user=w.erik)["text"].startswith("Only the project lead")
    assert stored_vote_count(b) == 0

    opened = run(b.running, w, "milstolpe 2030-01-15 17:00")
    assert opened["response_type"] == "in_channel"
    assert f"<#{b.channel}>" in opened["text"] and "2030-01-15 17:00" in opened["text"]
    again = run(b.running, w, "milstolpe")
    assert "pågår redan" in again["text"]

    message = vote_message(b)
    assert "Milstolpe VII" in message.text and "Kommunen X" in message.text
    for key in DOCUMENTS:
        assert f"https://intra.kommun.se/{key}" in message.text
    assert "2030-01-15 17:00" in message.text
    assert f"<@{w.sara}> (ordförande)" in message.text
    labels = [
        e["text"]["text"]
        for b_ in message.blocks
        if b_["type"] == "actions"
        for e in b_["elements"]
    ]
    # The second round adds Förhinder, Jäv… (a dialog asking the ground) and Återremiss….
    assert labels == [
        "Godkänn",
        "Avslå",
        "Avstår",
        "Förhinder",
        "Jäv…",
        "Återremiss…",
        "Stäng omröstningen",
    ]

    click(b, "vote_yes", w.erik)
    click(b, "vote_yes", b.maria)
    click(b, "vote_no", w.sara)
    shown(b, f"*Godkänn* (2): <@{w.erik}>", "Beslutsför: 3 av 4", "(3 behövs)")
    click(b, "vote_abstain", w.erik)  # Erik changes his mind
    click(b, "vote_yes", w.anna)  # the projektledare is no member
    assert eventually(
        lambda: any("Bara styrgruppens ledamöter röstar" in t for t in whispers(b, w.anna))
    )
    eventually(lambda: len(whispers(b, w.erik)) >= 2)
    assert (
        "Your vote on *Milestone VII* for *Kommunen X* is recorded: *Abstain*"
        in whispers(b, w.erik)[-1]
    )
    shown(b, f"*Avstår* (1): <@{w.erik}>", f"*Avslå* (1): <@{w.sara}>")

    # Only the chair closes: Maria may not, Sara may, in the steering group's channel.
    refused = b.running.slack.command("stäng", user_id=b.maria, channel_id=b.channel)
    assert f"Bara <@{w.sara}> får stänga" in refused.json["text"]
    closed = b.running.slack.command("stäng", user_id=w.sara, channel_id=b.channel)
    assert "Beslut: *Ej godkänd*" in closed.json["text"]

    final = shown(b, "*Beslut: Ej godkänd*", "ordförandens utslagsröst")
    # The vote buttons are gone; what is left is the reservation.
    actions = [
        e["action_id"] for x in final.blocks if x["type"] == "actions" for e in x["elements"]
    ]
    assert actions == ["vote_reservation"]
    click_after = b.running.slack.block_action(
        user_id=b.maria,
        action_id="vote_yes",
        value=str(stored_vote(b).id),
        channel_id=b.channel,
        message_ts=final.ts,
    )
    assert click_after.status == 200
    # Receipts of earlier votes come through the outbox, so the refusal need not be the last.
    assert eventually(lambda: any("Omröstningen är stängd" in t for t in whispers(b, b.maria)))

    vote = stored_vote(b)
    assert (vote.status, vote.outcome, vote.close_reason, vote.closed_by) == (
        "closed",
        "rejected",
        "chair",
        w.sara,
    )
    assert vote.record is not None
    record = json.loads(vote.record)
    assert record["votes"] == {w.erik: "abstain", w.sara: "no", b.maria: "yes", b.olof: None}
    assert record["decided_by_chair"] is True
    assert record["conflicts"] == []
    assert [d["url"] for d in record["documents"]] == [
        f"https://intra.kommun.se/{k}" for k in DOCUMENTS
    ]
    assert record["project"] == "Kommunen X" and record["milestone"]["key"]
    with b.running.bot.db.session() as session:
        history = session.execute(
            select(col(AuditEntry.before), col(AuditEntry.after))
            .where(col(AuditEntry.actor_id) == w.erik, col(AuditEntry.action) == "vote.cast")
            .order_by(col(AuditEntry.id))
        ).all()
    assert [tuple(h) for h in history] == [(None, "yes"), ("yes", "abstain")]


def stored_vote_count(b: Board) -> int:
    with b.running.bot.db.session() as session:
        return len(session.exec(select(Vote)).all())  # type: ignore[call-overload]


def test_the_decision_record_cannot_be_changed_after_close(board: Board) -> None:
    b, w = board, board.w
    ready_the_project(b.running, w, [w.erik, w.sara, b.maria], w.sara, b.channel)
    run(b.running, w, "milstolpe 2030-01-15 17:00")
    click(b, "vote_yes", w.erik)
    click(b, "vote_yes", b.maria)
    click(b, "vote_yes", w.sara)  # everyone has voted: the vote closes itself
    shown(b, "*Beslut: Godkänd*", "när alla röstberättigade ledamöter hade röstat")
    with pytest.raises(DBAPIError), b.running.bot.db.session() as session:
        session.execute(text("UPDATE vote SET record = '{}', outcome = 'rejected'"))
    assert stored_vote(b).outcome == "approved"


def test_jav_leaves_the_seat_empty_without_an_ersattare(board: Board) -> None:
    """The second round replaces "jäv shrinks the electorate": the seats stay (3 of them, 2
    needed) and, with no ersättare, Maria's seat stays empty."""
    b, w = board, board.w
    ready_the_project(b.running, w, [w.erik, w.sara, b.maria], w.sara, b.channel)
    run(b.running, w, "milstolpe 2030-01-15 17:00")
    vote_message(b)
    click(b, "vote_yes", b.maria)
    reply = b.running.slack.command("jäv", user_id=b.maria, channel_id=w.project_channel)
    assert "Du har anmält jäv" in reply.json["text"]
    click(b, "vote_yes", b.maria)
    assert eventually(lambda: any("Du har anmält jäv" in t for t in whispers(b, b.maria)))
    shown(b, f"<@{b.maria}> har anmält", "*Tomma platser:* <@" + b.maria, "0 av 3 platser")
    click(b, "vote_no", w.erik)
    click(b, "vote_yes", w.sara)  # the last eligible member: it closes, 1–1, chair for
    shown(b, "*Beslut: Godkänd*")
    record = json.loads(stored_vote(b).record or "{}")
    assert record["conflicts"] == [b.maria]
    assert record["quorum_needed"] == 2 and record["decided_by_chair"] is True


def test_a_vote_the_bot_could_not_post_is_posted_once_the_bot_is_invited(board: Board) -> None:
    """The bot does not join a vote channel by itself: Anna is told to invite it, and once
    Slack says it was, the vote message goes out and the members can vote."""
    b, w = board, board.w
    ready_the_project(b.running, w, [w.erik, w.sara, b.maria], w.sara, b.channel)
    w.fake.state.set_member(b.channel, "UBOT", member=False)  # removed before the vote
    run(b.running, w, "milstolpe 2030-01-15 17:00")
    told = eventually(
        lambda: [m for m in w.fake.state.dms_to(w.anna) if "kunde inte läggas ut" in m.text]
    )
    assert told and f"<#{b.channel}>" in told[0].text and "/invite" in told[0].text
    assert not w.fake.state.messages(b.channel)
    w.fake.state.set_member(b.channel, "UBOT")
    b.running.slack.event({"type": "member_joined_channel", "user": "UBOT", "channel": b.channel})
    assert "Godkänn" in json.dumps(vote_message(b).blocks, ensure_ascii=False)
    click(b, "vote_yes", b.maria)
    shown(b, f"*Godkänn* (1): <@{b.maria}>")
    assert len(w.fake.state.messages(b.channel)) == 1


def test_twenty_members_clicking_at_once_leave_one_ballot_each(
    start_bot: Callable[[], RunningBot], workspace: Workspace
) -> None:
    w = workspace
    members = [w.fake.state.add_user(f"ledamot{n}", real_name=f"Ledamot {n}") for n in range(20)]
    channel = w.fake.state.add_channel("styrgrupp", members=(w.anna, *members))
    running = start_bot()
    run(running, w, "nytt Kommunen X")
    ready_the_project(running, w, members, members[0], channel)
    run(running, w, "milstolpe 2030-01-15 17:00")
    b = Board(running, w, members[1], channel)
    message = vote_message(b)
    vote_id = str(stored_vote(b).id)
    choices = ("vote_yes", "vote_no", "vote_abstain")
    # Member 19 never votes, so the vote stays open and every click counts until the last.
    clicks = [(m, choices[(n + k) % 3]) for n, m in enumerate(members[:19]) for k in range(10)]

    def press(item: tuple[str, str]) -> int:
        user, action = item
        response = running.slack.click(
            action, user_id=user, channel_id=channel, message_ts=message.ts, value=vote_id
        )
        return response.status

    with ThreadPoolExecutor(max_workers=16) as pool:
        assert set(pool.map(press, clicks)) == {200}
    with running.bot.db.session() as session:
        rows = session.execute(select(col(Ballot.user_id), col(Ballot.choice))).all()
        history = session.execute(
            select(col(AuditEntry.actor_id), col(AuditEntry.after))
            .where(col(AuditEntry.action) == "vote.cast")
            .order_by(col(AuditEntry.id))
        ).all()
    ballots: dict[str, Any] = dict(rows)
    assert len(rows) == len(ballots) == 19  # one current ballot per member who clicked
    # Each member's current ballot is the last change the audit log recorded for them.
    assert ballots == {user: after for user, after in history}
    tally = {c: sum(1 for b_ in ballots.values() if b_ == c) for c in ("yes", "no", "abstain")}
    counts = (f"*Godkänn* ({tally['yes']})", f"*Avslå* ({tally['no']})")
    shown(b, *counts, f"*Avstår* ({tally['abstain']})", "*Har inte röstat* (1)")


def test_a_deadline_that_passes_while_the_bot_is_stopped_closes_the_vote_at_start(
    board: Board, start_bot: Callable[[], RunningBot]
) -> None:
    b, w = board, board.w
    ready_the_project(b.running, w, [w.erik, w.sara, b.maria], w.sara, b.channel)
    run(b.running, w, "milstolpe 2030-01-15 17:00")
    vote_message(b)
    click(b, "vote_yes", w.erik)
    shown(b, f"*Godkänn* (1): <@{w.erik}>")
    b.running.bot.stop()
    # While the bot is down the deadline passes (the clock cannot be wound, so the row is).
    with b.running.bot.db.session() as session:
        session.execute(text("UPDATE vote SET deadline = :past"), {"past": "2026-01-01 00:00:00"})
    again = start_bot()  # its ticker ticks once at start
    b.running = again
    shown(b, "*Beslut: Ej beslutsför*", "Stängd vid deadline")
    vote = stored_vote(b)
    assert (vote.status, vote.close_reason, vote.outcome) == ("closed", "deadline", "no_quorum")
