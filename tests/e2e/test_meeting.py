"""Issue 15 (3/6) end to end: seats and ersättare, jäv with grounds and rulings, förhinder,
återremiss, protokollsanteckningar, reservation only against the outcome, the proposal."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.emulator import Message
from storage.models import AuditEntry, Ballot, JavQuestion, Vote
from tests.support.bot import RunningBot, Workspace, run
from tests.support.project import ready_the_project
from tests.support.waiting import eventually


@dataclass
class Meeting:
    """Sara chairs; Erik and Maria are ledamöter; Eva and Per ersättare; Adam co-opted."""

    running: RunningBot
    w: Workspace
    maria: str
    eva: str
    per: str
    adam: str
    channel: str


@pytest.fixture
def meeting(start_bot: Callable[[], RunningBot], workspace: Workspace) -> Meeting:
    w = workspace
    add = w.fake.state.add_user
    maria = add("maria", real_name="Maria Månsson", locale="sv-SE")
    eva = add("eva", real_name="Eva Ek", locale="sv-SE")
    per = add("per", real_name="Per Persson", locale="sv-SE")
    adam = add("adam", real_name="Adam Adjungerad", locale="sv-SE")
    people = (w.anna, w.erik, w.sara, maria, eva, per, adam)
    channel = w.fake.state.add_channel("styrgrupp", members=people)
    running = start_bot()
    run(running, w, "nytt Kommunen X")
    ready_the_project(running, w, [w.erik, w.sara, maria], w.sara, channel)
    run(running, w, f"ersättare <@{eva}> <@{per}>")
    run(running, w, f"adjungerade <@{adam}>")
    return Meeting(running, w, maria, eva, per, adam, channel)


def command(m: Meeting, text: str, user: str) -> str:
    response = m.running.slack.command(text, user_id=user, channel_id=m.channel)
    assert response.status == 200, response.text
    return str(response.json.get("text", ""))


def vote_message(m: Meeting) -> Message:
    found = eventually(lambda: [x for x in m.w.fake.state.messages(m.channel) if not x.thread_ts])
    assert found, "the vote message was not posted"
    return found[-1]


def shown(m: Meeting, *fragments: str) -> Message:
    eventually(lambda: all(f in vote_message(m).text for f in fragments))
    message = vote_message(m)
    for fragment in fragments:
        assert fragment in message.text, message.text
    return message


def vote_id(m: Meeting) -> int:
    with m.running.bot.db.session() as session:
        found = session.execute(select(col(Vote.id)).order_by(col(Vote.id).desc())).scalar()
        assert found is not None
        return int(found)


def click(m: Meeting, action: str, user: str) -> Any:
    message = vote_message(m)
    return m.running.slack.click(
        action, user_id=user, channel_id=m.channel, message_ts=message.ts, value=str(vote_id(m))
    )


def whispered(m: Meeting, user: str, fragment: str) -> bool:
    return any(fragment in e.text for e in m.w.fake.state.ephemerals(user=user))


def record(m: Meeting) -> dict[str, Any]:
    with m.running.bot.db.session() as session:
        stored = session.execute(select(col(Vote.record)).where(col(Vote.id) == vote_id(m)))
        return json.loads(stored.scalar() or "{}")  # type: ignore[no-any-return]


def home_text(m: Meeting, user: str) -> str:
    """The Home tab `user` sees once it lists what waits for them."""
    m.running.slack.app_home_opened(user)

    def waiting() -> str | None:
        view = m.w.fake.state.home_view(user)
        text = json.dumps(view.blocks, ensure_ascii=False) if view else ""
        return text if "Väntar på dig" in text else None

    return eventually(waiting) or ""


def actions(m: Meeting) -> set[str]:
    with m.running.bot.db.session() as session:
        return set(session.execute(select(col(AuditEntry.action))).scalars())


def test_jav_declared_and_raised_ersattare_step_in_and_the_record_says_so(
    meeting: Meeting,
) -> None:
    m, w = meeting, meeting.w
    assert (
        "Styrgruppen beslutar att _godkänna fasen_"
        in run(m.running, w, "förslag Styrgruppen beslutar att godkänna fasen.")["text"]
    )
    # Before the vote opens, Maria's jäv holds for the next vote.
    held = command(m, "jäv part min bror äger leverantören", m.maria)
    assert "gäller projektets nästa omröstning" in held
    run(m.running, w, "milstolpe 2030-01-15 17:00")
    shown(
        m,
        f"<@{m.eva}> för <@{m.maria}>",
        "Styrgruppen beslutar att _godkänna fasen_",
        f"*Adjungerade:* <@{m.adam}>",
        "part eller berörd (FL 16 § 1)",
    )
    # Per is an ersättare no seat needs: he has no vote.
    click(m, "vote_yes", m.per)
    assert eventually(lambda: whispered(m, m.per, "ingen plats behöver dig"))

    # Eva, serving, raises jäv about Erik; Sara (the acting chair) rules, in a DM.
    raised = command(m, f"jäv <@{w.erik}> ombud företräder leverantören", m.eva)
    assert f"<@{w.sara}> prövar frågan" in raised
    shown(m, "väntar på prövning", "Vilande")
    assert "väntar på prövning" in command(m, "stäng", w.sara)  # a jäv waits: no close
    dm = eventually(lambda: [x for x in w.fake.state.dms_to(w.sara) if "Jäv har väckts" in x.text])
    assert dm
    # App Home: above my activities, what waits for me.
    assert "Rösta om *Milstolpe VII*" in home_text(m, m.eva)
    assert "du prövar frågan" in home_text(m, w.sara)
    with m.running.bot.db.session() as session:
        question = session.execute(
            select(col(JavQuestion.id)).where(col(JavQuestion.member) == w.erik)
        ).scalar()
    # Anna may not rule while the chair can: the ruling is the chair's.
    m.running.slack.block_action(
        user_id=w.anna,
        action_id="jav_javig",
        value=str(question),
        channel_id=dm[0].channel,
        message_ts=dm[0].ts,
    )
    assert eventually(lambda: whispered(m, w.anna, f"Bara <@{w.sara}> prövar"))
    m.running.slack.click(
        "jav_javig",
        user_id=w.sara,
        channel_id=dm[0].channel,
        message_ts=dm[0].ts,
        value=str(question),
    )
    shown(m, f"<@{m.per}> för <@{w.erik}>", f"prövat jävig av <@{w.sara}>")

    click(m, "vote_yes", m.eva)
    click(m, "vote_no", m.per)
    click(m, "vote_yes", w.sara)  # everyone serving has voted: it closes, 2–1
    shown(m, "*Beslut: Godkänd*", "Styrgruppen beslutar att _godkänna fasen_.")

    r = record(m)
    assert r["outcome"] == "approved" and r["seat_count"] == 3
    assert r["substitutions"] == [
        {"substitute": m.per, "for": w.erik},
        {"substitute": m.eva, "for": m.maria},
    ] or r["substitutions"] == [
        {"substitute": m.eva, "for": m.maria},
        {"substitute": m.per, "for": w.erik},
    ]
    assert r["votes"] == dict(sorted({m.eva: "yes", m.per: "no", w.sara: "yes"}.items()))
    assert r["coopted"] == [m.adam] and r["presenter"] == w.anna
    assert r["proposal"] == "godkänna fasen"
    assert r["decision_text"]["sv"] == "Styrgruppen beslutar att godkänna fasen."
    javs = {j["member"]: j for j in r["jav"]}
    assert javs[m.maria]["declared"] and javs[m.maria]["ground"] == "part"
    assert javs[w.erik]["raised_by"] == m.eva and javs[w.erik]["ground"] == "ombud"
    assert javs[w.erik]["ruling"]["javig"] is True and javs[w.erik]["ruling"]["by"] == w.sara
    assert {"vote.jav.declare", "vote.jav.raise", "vote.jav.rule", "vote.step_in"} <= actions(m)

    announcement = eventually(
        lambda: [x for x in w.fake.state.messages(w.project_channel) if "Beslut:" in x.text]
    )
    assert "Styrgruppen beslutar att _godkänna fasen_." in announcement[0].text

    # Reservation: Per voted against and may reserve without a reason; Sara voted for.
    click(m, "vote_reservation", m.per)
    eventually(lambda: w.fake.state.modals(m.per))
    ok = m.running.slack.submit(user_id=m.per, values={"reason": {"reason_text": ""}})
    assert ok.status == 200 and not ok.text
    click(m, "vote_reservation", w.sara)
    eventually(lambda: w.fake.state.modals(w.sara))
    refused = m.running.slack.submit(user_id=w.sara, values={"reason": {"reason_text": "Nej"}})
    assert "röstade emot utfallet" in refused.json["errors"]["reason"]
    # A co-opted person adds a note; a stranger may not.
    assert "beslutsprotokollet" in command(m, "anteckning Jag deltog utan rösträtt", m.adam)
    stranger = w.fake.state.add_user("stina", real_name="Stina Utomstående")
    assert "en adjungerad eller föredraganden" in command(m, "anteckning Hej", stranger)
    minutes = run(m.running, w, "protokoll")["text"]
    assert "Jag deltog utan rösträtt" in minutes and "utan motivering" in minutes


def test_forhinder_referral_and_a_new_vote(meeting: Meeting) -> None:
    m, w = meeting, meeting.w
    run(m.running, w, "milstolpe 2030-01-15 17:00")
    vote_message(m)
    click(m, "vote_yes", w.erik)
    click(m, "vote_absent", w.erik)  # he has voted: too late for förhinder
    assert eventually(lambda: whispered(m, w.erik, "already voted"))
    click(m, "vote_absent", m.maria)
    shown(m, f"<@{m.eva}> för <@{m.maria}>", f"*Förhinder:* <@{m.maria}>")
    click(m, "vote_yes", m.maria)
    assert eventually(lambda: whispered(m, m.maria, "anmält förhinder"))
    # Only the chair refers back; the dialog asks the motivation.
    click(m, "vote_refer_back", w.erik)
    eventually(lambda: w.fake.state.modals(w.erik))
    refused = m.running.slack.submit(
        user_id=w.erik, values={"reason": {"reason_text": "Driftplanen saknas"}}
    )
    assert refused.json["response_action"] == "errors"
    click(m, "vote_refer_back", w.sara)
    eventually(lambda: w.fake.state.modals(w.sara))
    ok = m.running.slack.submit(
        user_id=w.sara, values={"reason": {"reason_text": "Driftplanen saknas"}}
    )
    assert ok.status == 200 and not ok.text
    shown(m, "*Beslut: Återremitterad*", "Driftplanen saknas")
    r = record(m)
    assert r["outcome"] == "referred_back" and r["referral"]["by"] == w.sara
    assert r["forhinder"][0]["member"] == m.maria
    assert [
        x["action_id"]
        for b in vote_message(m).blocks
        if b["type"] == "actions"
        for x in b["elements"]
    ] == []  # nothing to reserve against
    # A new vote can be opened after the återremiss.
    assert run(m.running, w, "milstolpe 2030-02-15 17:00")["response_type"] == "in_channel"


def test_a_javig_chair_neither_closes_nor_decides_the_projektledare_closes(
    meeting: Meeting,
) -> None:
    m, w = meeting, meeting.w
    run(m.running, w, "milstolpe 2030-01-15 17:00")
    vote_message(m)
    click(m, "vote_conflict", w.sara)
    eventually(lambda: w.fake.state.modals(w.sara))
    ground = {"type": "static_select", "selected_option": {"value": "annat"}}
    m.running.slack.submit(
        user_id=w.sara,
        values={"jav_ground": {"jav_ground": ground}, "reason": {"reason_text": "Jäv"}},
    )
    shown(m, f"<@{m.eva}> för <@{w.sara}>", "annan särskild omständighet (FL 16 § 4)")
    assert eventually(lambda: whispered(m, w.sara, "Du har anmält jäv"))  # the receipt
    assert "Bara" in command(m, "stäng", w.sara)
    click(m, "vote_yes", w.erik)
    click(m, "vote_no", m.maria)
    closed = command(m, "stäng", w.anna)
    assert "Ej godkänd" in closed  # 1–1, no casting vote without the chair
    r = record(m)
    assert r["decided_by_chair"] is False and r["closed_by"] == w.anna


def test_members_and_ersattare_in_parallel_leave_one_consistent_tally(
    start_bot: Callable[[], RunningBot], workspace: Workspace
) -> None:
    w = workspace
    add = w.fake.state.add_user
    members = [add(f"ledamot{n}", real_name=f"Ledamot {n}") for n in range(20)]
    substitutes = [add(f"ersattare{n}", real_name=f"Ersättare {n}") for n in range(5)]
    channel = w.fake.state.add_channel("styrgrupp", members=(w.anna, *members, *substitutes))
    running = start_bot()
    run(running, w, "nytt Kommunen X")
    ready_the_project(running, w, members, members[0], channel)
    run(running, w, "ersättare " + " ".join(f"<@{s}>" for s in substitutes))
    run(running, w, "milstolpe 2030-01-15 17:00")
    m = Meeting(running, w, members[1], substitutes[0], substitutes[1], members[2], channel)
    message = vote_message(m)
    value = str(vote_id(m))
    choices = ("vote_yes", "vote_no", "vote_abstain")

    def press(item: tuple[str, str]) -> int:
        user, action = item
        if action == "jäv":
            response = running.slack.command("jäv", user_id=user, channel_id=channel)
        else:
            response = running.slack.click(
                action, user_id=user, channel_id=channel, message_ts=message.ts, value=value
            )
        return response.status

    # Member 19 never votes, so the vote stays open until the chair closes it.
    work: list[tuple[str, str]] = []
    for k in range(4):
        for n, member in enumerate(members[:19]):
            work.append((member, choices[(n + k) % 3]))
        for n, substitute in enumerate(substitutes):
            work.append((substitute, choices[(n + k) % 3]))
    work += [(member, "jäv") for member in members[1:5]]
    work += [(member, "vote_absent") for member in members[5:8]]
    with ThreadPoolExecutor(max_workers=16) as pool:
        assert set(pool.map(press, work)) == {200}
    assert "Beslut" in command(m, "stäng", members[0])
    shown(m, "*Beslut:")

    r = record(m)
    with running.bot.db.session() as session:
        ballots = dict(session.execute(select(col(Ballot.user_id), col(Ballot.choice))).all())
        history = session.execute(
            select(col(AuditEntry.actor_id), col(AuditEntry.after))
            .where(col(AuditEntry.action) == "vote.cast")
            .order_by(col(AuditEntry.id))
        ).all()
    assert ballots == {user: after for user, after in history}
    serving = set(r["serving"])
    assert r["seat_count"] == 20 and len(serving) <= 20
    javig = set(r["conflicts"])
    absent = {f["member"] for f in r["forhinder"]}
    assert javig == set(members[1:5])
    assert not serving & (javig | absent)
    for step in r["substitutions"]:
        assert step["substitute"] in substitutes and step["for"] in javig | absent
    assert len(r["substitutions"]) == min(5, len(javig | absent))
    counted = {u: c for u, c in ballots.items() if u in serving}
    assert r["votes"] == {u: counted.get(u) for u in sorted(serving)}
    for choice, key in (("yes", "yes"), ("no", "no"), ("abstain", "abstain")):
        assert r[key] == sorted(u for u, c in counted.items() if c == choice)
    final = vote_message(m).text
    assert f"*Godkänn* ({len(r['yes'])})" in final and f"*Avslå* ({len(r['no'])})" in final
