"""Issue 16 (4/6) end to end: justerare and diarienummer, the justering DM, ojusterat →
justerat with its checksum, the anslag in every announcement's thread and the justerat record
as a PDF/A file in the project's channel (once), reservations and notes closed after, Begär
ändring to the projektledare, a rättelse and justering again (and its own PDF), a diarienummer
changed after justering."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.emulator import Message
from bot.emulator.files import UploadedFile
from bot.emulator.server import UPLOAD
from storage.models import OutboxEvent, Vote
from storage.record_tables import RecordVersion
from tests.support.bot import RunningBot, Workspace, run
from tests.support.pdf import pdf_text, require_pdf_tools
from tests.support.project import ready_the_project
from tests.support.waiting import eventually


@dataclass
class Board:
    """Sara chairs; Erik and Maria are ledamöter; Maria justerar; two stakeholder channels."""

    running: RunningBot
    w: Workspace
    maria: str
    channel: str
    stakeholders: list[str]


@pytest.fixture
def board(start_bot: Callable[[], RunningBot], workspace: Workspace) -> Board:
    w = workspace
    maria = w.fake.state.add_user("maria", real_name="Maria Månsson", locale="sv-SE")
    people = (w.anna, w.erik, w.sara, maria)
    channel = w.fake.state.add_channel("styrgrupp", members=people)
    stakeholders = [w.fake.state.add_channel(f"intressent-{n}", members=people) for n in (1, 2)]
    running = start_bot()
    run(running, w, "nytt Kommunen X")
    ready_the_project(running, w, [w.erik, w.sara, maria], w.sara, channel)
    run(running, w, "kanaler " + " ".join(f"<#{c}>" for c in stakeholders))
    return Board(running, w, maria, channel, stakeholders)


def vote_id(b: Board) -> int:
    with b.running.bot.db.session() as session:
        found = session.execute(select(col(Vote.id)).order_by(col(Vote.id).desc())).scalar()
        assert found is not None
        return int(found)


def justering_dm(b: Board, user: str) -> Message:
    found = eventually(lambda: [m for m in b.w.fake.state.dms_to(user) if "Justera" in m.text])
    assert found, f"no justering DM to {user}"
    return found[-1]


def click_in_dm(b: Board, action: str, user: str) -> None:
    dm = justering_dm(b, user)
    response = b.running.slack.click(
        action, user_id=user, channel_id=dm.channel, message_ts=dm.ts, value=str(vote_id(b))
    )
    assert response.status == 200


def justera(b: Board, user: str) -> None:
    click_in_dm(b, "record_justera", user)


def anslag_in(b: Board, channel: str) -> bool:
    """A reply in a thread of `channel` says the record is justerat."""
    return any(m.thread_ts and "är justerat" in m.text for m in b.w.fake.state.messages(channel))


def filed(b: Board, count: int) -> list[UploadedFile]:
    """The PDFs in the project's channel once there are `count` of them, by name (so by
    version: two versions' files may be printed side by side and land in either order)."""
    # Printing a PDF takes a few seconds of a busy machine, and a retry waits its backoff.
    found = eventually(lambda: len(b.w.fake.state.files(b.w.project_channel)) >= count, 60)
    assert found, f"fewer than {count} PDFs in the project channel"
    return sorted(b.w.fake.state.files(b.w.project_channel), key=lambda f: f.filename)


def home(b: Board, user: str) -> str:
    view = b.w.fake.state.home_view(user)
    return json.dumps(view.blocks, ensure_ascii=False) if view else ""


def minutes(b: Board) -> str:
    return str(run(b.running, b.w, "protokoll")["text"])


def close_the_vote(b: Board) -> None:
    w = b.w
    run(b.running, w, "milstolpe 2030-01-15 17:00")
    eventually(lambda: [m for m in w.fake.state.messages(b.channel) if not m.thread_ts])
    vote = [m for m in w.fake.state.messages(b.channel) if not m.thread_ts][-1]
    for user, choice in ((w.erik, "vote_yes"), (w.sara, "vote_yes"), (b.maria, "vote_no")):
        b.running.slack.click(
            choice, user_id=user, channel_id=b.channel, message_ts=vote.ts, value=str(vote_id(b))
        )
    eventually(lambda: "Ojusterat" in minutes(b))


def test_the_record_is_justerat_by_both_then_final_and_announced(board: Board) -> None:
    require_pdf_tools()
    b, w = board, board.w
    refused = run(b.running, w, f"justerare <@{w.sara}>")["text"]
    assert "är ordförande" in refused
    assert "justerar protokollet" in run(b.running, w, f"justerare <@{b.maria}>")["text"]
    assert "KS 2026/1234" in run(b.running, w, "diarienummer KS 2026/1234")["text"]
    close_the_vote(b)
    shown = minutes(b)
    assert "KS 2026/1234" in shown and "§ 1" in shown
    assert "Beslut vid Milstolpe VII – Kommunen X" in shown
    # The chair and the justerare each get the record with Justera / Begär ändring…, and see
    # it on App Home; the announcement says who will justera.
    justering_dm(b, w.sara)
    b.running.slack.app_home_opened(w.sara)
    assert eventually(lambda: "Justera beslutsprotokollet" in home(b, w.sara))
    announced = eventually(
        lambda: [
            m for m in w.fake.state.messages(b.stakeholders[0]) if "justerar protokollet" in m.text
        ]
    )
    assert announced and f"<@{b.maria}>" in announced[0].text
    justera(b, b.maria)
    assert eventually(lambda: "väntar på" in minutes(b))
    shown = minutes(b)
    assert "Ojusterat" in shown and f"<@{w.sara}>" in shown.split("väntar på")[1]
    justera(b, w.sara)
    assert eventually(lambda: "Justerat" in minutes(b))
    shown = minutes(b)
    assert "Kontrollsumma" in shown
    with b.running.bot.db.session() as session:
        sealed = session.execute(select(RecordVersion)).scalars().one()
        assert sealed.checksum and sealed.checksum in shown and sealed.canonical
    # The anslag: a reply under the announcement in every stakeholder channel and the project's.
    for channel in [*b.stakeholders, w.project_channel]:
        assert eventually(partial(anslag_in, b, channel)), channel
    # The justerat record as a PDF/A file in the project's channel, with the checksum beside it.
    (pdf,) = filed(b, 1)
    assert pdf.filename == "beslutsprotokoll-KS-2026-1234-p1-v1.pdf" and pdf.data
    assert pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    for expected in ("KS 2026/1234", "Kommunen X", "Styrgruppen beslutar att", "Justerat"):
        assert expected in text, (expected, text)
    assert sealed.checksum in text
    (shared,) = [m for m in w.fake.state.messages(w.project_channel) if m.files]
    assert sealed.checksum in shared.text and "PDF/A" in shared.text
    # Final: no more notes or reservations.
    note = b.running.slack.command("anteckning Sent", user_id=w.erik, channel_id=b.channel)
    assert "The record is justerat" in note.json["text"]
    vote = [m for m in w.fake.state.messages(b.channel) if not m.thread_ts][-1]
    b.running.slack.click(
        "vote_reservation",
        user_id=b.maria,
        channel_id=b.channel,
        message_ts=vote.ts,
        value=str(vote_id(b)),
    )
    eventually(lambda: w.fake.state.modals(b.maria))
    refused = b.running.slack.submit(user_id=b.maria, values={"reason": {"reason_text": "Nej"}})
    assert "Protokollet är justerat" in refused.json["errors"]["reason"]
    # Everything the justering set off has been delivered: still the one PDF.
    assert all(anslag_in(b, c) for c in [*b.stakeholders, w.project_channel])
    assert len(w.fake.state.files(w.project_channel)) == 1
    assert len(w.fake.state.calls("files.completeUploadExternal")) == 1


def test_a_correction_makes_it_ojusterat_until_both_justera_again(board: Board) -> None:
    require_pdf_tools()
    b, w = board, board.w
    run(b.running, w, f"justerare <@{b.maria}>")
    close_the_vote(b)
    # Begär ändring…: the dialog asks what is wrong; the projektledare hears it.
    click_in_dm(b, "record_request_change", b.maria)
    eventually(lambda: w.fake.state.modals(b.maria))
    sent = b.running.slack.submit(
        user_id=b.maria, values={"reason": {"reason_text": "Marias röst saknas i listan"}}
    )
    assert sent.status == 200 and not sent.text
    assert eventually(
        lambda: [m for m in w.fake.state.dms_to(w.anna) if "Marias röst saknas" in m.text]
    )
    justera(b, b.maria)
    justera(b, w.sara)
    assert eventually(lambda: "Justerat" in minutes(b))
    # Only the projektledare corrects; the record is ojusterat again, at version 2.
    refused = b.running.slack.command("rättelse X", user_id=w.erik, channel_id=w.project_channel)
    assert "Only the project lead" in refused.json["text"]
    said = run(b.running, w, "rättelse Marias röst var Avslå")["text"]
    assert "ojusterat" in said
    shown = minutes(b)
    assert "Ojusterat" in shown and "version 2" in shown and "Marias röst var Avslå" in shown
    eventually(lambda: len([m for m in w.fake.state.dms_to(b.maria) if "Justera" in m.text]) > 1)
    justera(b, b.maria)
    justera(b, w.sara)
    assert eventually(lambda: "Justerat" in minutes(b) and "version 2" in minutes(b))
    with b.running.bot.db.session() as session:
        versions = session.execute(select(RecordVersion)).scalars().all()
        assert [v.version for v in versions] == [1, 2]
        assert versions[0].checksum != versions[1].checksum
        assert versions[0].canonical and versions[1].canonical
    # Each justerat version is filed as its own PDF; the corrected one shows the rättelse.
    first, second = filed(b, 2)
    assert first.filename.endswith("-p1-v1.pdf") and second.filename.endswith("-p1-v2.pdf")
    assert "Marias röst var Avslå" not in pdf_text(first.data or b"")
    corrected = pdf_text(second.data or b"")
    assert "Marias röst var Avslå" in corrected and str(versions[1].checksum) in corrected


def test_the_pdf_is_uploaded_once_though_slack_lost_the_answers(board: Board) -> None:
    """The bytes' POST fails once, then Slack shares the file and answers 500: the retry in
    doubt finds the file in the channel and uploads nothing more."""
    require_pdf_tools()
    b, w = board, board.w
    run(b.running, w, f"justerare <@{b.maria}>")
    close_the_vote(b)
    w.fake.inject(UPLOAD, status=500)
    w.fake.faults.limits.fail_first_posts(1.0, method="files.completeUploadExternal")
    justera(b, b.maria)
    justera(b, w.sara)
    (pdf,) = filed(b, 1)
    assert pdf.filename.endswith("-p1-v1.pdf")
    key = f"record_pdf:{vote_id(b)}:1"
    assert eventually(lambda: outbox_status(b, key) == "sent", 60), outbox_status(b, key)
    assert len(w.fake.state.files(w.project_channel)) == 1
    completes = w.fake.state.calls("files.completeUploadExternal")
    assert [c.status for c in completes] == [500]  # it went through; its answer was lost
    assert w.fake.faults.pending(UPLOAD) == 0  # the bytes' first POST did fail
    looked = w.fake.state.calls("conversations.history")
    assert any(c.params.get("channel") == w.project_channel for c in looked)
    assert len([m for m in w.fake.state.messages(w.project_channel) if m.files]) == 1


def test_a_diarienummer_given_after_justering_is_a_correction_justerat_again(
    board: Board,
) -> None:
    require_pdf_tools()
    b, w = board, board.w
    run(b.running, w, f"justerare <@{b.maria}>")
    run(b.running, w, "diarienummer KS 2026/1")
    close_the_vote(b)
    justera(b, b.maria)
    justera(b, w.sara)
    assert eventually(lambda: "Justerat" in minutes(b))
    said = run(b.running, w, "diarienummer KS 2026/2")["text"]
    assert "KS 2026/2" in said and "§ 1 behåller numret" in said
    shown = minutes(b)
    assert "Ojusterat" in shown and "version 2" in shown
    assert "Diarienummer ändrat från KS 2026/1 till KS 2026/2" in shown
    eventually(lambda: len([m for m in w.fake.state.dms_to(b.maria) if "Justera" in m.text]) > 1)
    justera(b, b.maria)
    justera(b, w.sara)
    first, second = filed(b, 2)
    assert first.filename == "beslutsprotokoll-KS-2026-1-p1-v1.pdf"
    assert second.filename == "beslutsprotokoll-KS-2026-2-p1-v2.pdf"
    assert "KS 2026/2" in pdf_text(second.data or b"")
    with b.running.bot.db.session() as session:
        v1, v2 = session.execute(select(RecordVersion)).scalars().all()
    # Version 1 still holds what it was justerat with, and its checksum still verifies.
    assert v1.canonical and '"case_number":"KS 2026/1"' in v1.canonical
    assert hashlib.sha256(v1.canonical.encode("utf-8")).hexdigest() == v1.checksum
    assert v2.canonical and '"case_number":"KS 2026/2"' in v2.canonical


def outbox_status(b: Board, key: str) -> str | None:
    with b.running.bot.db.session() as session:
        found = session.execute(select(OutboxEvent).where(col(OutboxEvent.key) == key)).scalar()
        return None if found is None else found.status
