"""The record's life after the close: who justerar it, justering, Begär ändring, rättelse.

Version 1 of a record begins when the vote closes; the chair and the justerare each justera
it; when both have, it is sealed (checksum and canonical JSON stored, once) and every
announcement gets a reply saying so. A rättelse begins the next version, never rewrites one.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlmodel import Session

from bot.domain.changes import Change, ChangeKind
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.justering import Justering, canonical, checksum
from bot.domain.minutes import Minutes
from bot.domain.rules import require_lead
from bot.services import outbox_events as out
from bot.services.context import Actor, Services
from bot.services.decisions import latest_closed
from bot.services.projects import set_project_field
from bot.services.record import begin_version, justering_of, minutes_of
from bot.services.unit import enqueue, project_of_channel, record_change, row_id, transaction
from bot.services.votes import vote_target
from storage import justering as store
from storage import projects
from storage import votes as vote_store
from storage.models import Project, Vote
from storage.record_tables import RecordCorrection, RecordJustering

MAX_TEXT = 2000
MAX_CASE_NUMBER = 64


def set_adjuster(services: Services, actor: Actor, channel_id: str, user_id: str) -> Change:
    """`justerare @a`: a ledamot, not the chair, justerar the record with the chair."""

    def check(session: Session, project: Project) -> None:
        if user_id not in projects.members_of(session=session, project_id=row_id(project)):
            raise DomainError(ErrorCode.ADJUSTER_NOT_MEMBER, user=user_id)
        if user_id == project.chair_id:
            raise DomainError(ErrorCode.ADJUSTER_IS_CHAIR, user=user_id)

    return set_project_field(
        services,
        actor,
        channel_id,
        "adjuster_id",
        user_id,
        ChangeKind.ADJUSTER,
        "record.adjuster",
        check,
    )


def set_case_number(services: Services, actor: Actor, channel_id: str, number: str) -> Change:
    """`diarienummer <nr>`: what the registrar files the record under, e.g. `KS 2026/1234`.

    A justerat record keeps the number it was justerat with: its checksum covers it. When the
    latest decision's record is justerat under another number, the new one reaches it as a
    rättelse (who, when, from what to what), which the chair and the justerare justera again,
    as for any correction; a record not yet justerat simply shows the new number.
    """
    number = " ".join(number.split())
    if len(number) > MAX_CASE_NUMBER:
        raise DomainError(
            ErrorCode.TEXT_TOO_LONG, length=str(len(number)), limit=str(MAX_CASE_NUMBER)
        )
    now = services.clock()

    def renumber(session: Session, project: Project, change: Change) -> Change:
        reopened = _renumber_justerat(services, session, actor, project, number, now)
        return replace(change, reopened=reopened)

    return set_project_field(
        services,
        actor,
        channel_id,
        "case_number",
        number,
        ChangeKind.CASE_NUMBER,
        "record.case_number",
        then=renumber,
    )


def _renumber_justerat(
    services: Services, session: Session, actor: Actor, project: Project, number: str, now: datetime
) -> int | None:
    """The latest decision's record justerat under another diarienummer gets the new one by a
    rättelse; its § n, or None when there was nothing to correct."""
    latest = vote_store.latest_closed(session=session, project_id=row_id(project))
    if latest is None:
        return None
    vote, _ = _closed(session, actor, row_id(latest))
    sealed = minutes_of(session, vote)
    if not sealed.justerat or sealed.case_number == number:
        return None
    # The record's own language: its ärendemening is Swedish too (bot.domain.justering).
    text = f"Diarienummer ändrat från {sealed.case_number or '–'} till {number}."
    _append_correction(services, session, actor, project, vote, text, now)
    return sealed.paragraph


def record_meant(services: Services, actor: Actor, channel_id: str) -> int:
    """Which record a written `justera` or `ändring` means (the vote's id): the latest decision
    of the channel's project, or of the vote held in the channel; anywhere else (a direct
    room) the one record that waits for this person's justering."""
    with services.db.reading() as session:
        _, vote = latest_closed(session, actor, channel_id)
        if vote is not None:
            return row_id(vote)
        waiting = store.waiting_for(session=session, team_id=actor.team_id, user_id=actor.user_id)
        if len(waiting) == 1:
            return row_id(waiting[0])
        if not waiting:
            raise DomainError(ErrorCode.NOTHING_TO_JUSTERA)
        found = projects.projects_by_id(session=session, ids=[v.project_id for v in waiting])
        names = ", ".join(sorted(found[v.project_id].name for v in waiting))
        raise DomainError(ErrorCode.WHICH_RECORD, projects=names)


def _closed(session: Session, actor: Actor, vote_id: int) -> tuple[Vote, Project]:
    found = vote_store.vote_with_project(session=session, vote_id=vote_id, lock=True)
    if found is None or found[1].team_id != actor.team_id or found[0].status != vote_store.CLOSED:
        raise DomainError(ErrorCode.NO_DECISION)
    return found


def _justerare(session: Session, actor: Actor, vote_id: int) -> Justering:
    """The current version's justering, if `actor` is one who justerar it."""
    current = justering_of(session, vote_id)
    if current is None or actor.user_id not in current.justerare:
        people = ", ".join(f"<@{p}>" for p in (current.justerare if current else ()))
        raise DomainError(ErrorCode.NOT_A_JUSTERARE, people=people or "–")
    return current


def justera(services: Services, actor: Actor, vote_id: int) -> Minutes:
    """*Justera*: the chair or the justerare approves the current version; the second seals it."""
    now = services.clock()

    def work(session: Session) -> Minutes:
        vote, project = _closed(session, actor, vote_id)
        current = _justerare(session, actor, vote_id)
        if current.justerat or actor.user_id not in current.waiting:
            raise DomainError(ErrorCode.ALREADY_JUSTERAT)
        store.add_justering(
            session=session,
            justering=RecordJustering(
                vote_id=vote_id, version=current.version, user_id=actor.user_id, at=now
            ),
        )
        target = vote_target(vote)
        version = str(current.version)
        record_change(services, session, actor, project, "record.justera", target, None, version)
        minutes = minutes_of(session, vote)
        assert minutes.justering is not None
        if not minutes.justering.waiting:
            _seal(session, project, vote, minutes, now)
            minutes = minutes_of(session, vote)
        enqueue(session, now, out.home_refresh(project.team_id, actor.user_id))
        return minutes

    return transaction(services, work)


def _seal(session: Session, project: Project, vote: Vote, minutes: Minutes, now: datetime) -> None:
    """Both have justerat: store the canonical JSON and its checksum, post the anslag, and
    file this version as a PDF in the project's channel."""
    assert minutes.justering is not None
    document = minutes.document()
    version = store.current(session=session, vote_id=row_id(vote))
    assert version is not None and version.id is not None
    if not store.seal(
        session=session,
        version_id=version.id,
        at=now,
        checksum=checksum(document),
        canonical=canonical(document),
    ):
        return
    stakeholders = projects.stakeholders_of(session=session, project_id=row_id(project))
    channels = dict.fromkeys([*stakeholders, project.channel_id])
    number = minutes.justering.version
    enqueue(
        session,
        now,
        *(out.anslag(project.team_id, row_id(vote), number, c) for c in channels),
        out.record_pdf(project.team_id, row_id(vote), number, project.channel_id),
    )


def request_change(services: Services, actor: Actor, vote_id: int, text: str) -> str:
    """*Begär ändring…*: one who justerar tells the projektledare what to correct; the
    projektledare's id, whom the request goes to."""
    text = text.strip()
    now = services.clock()

    def work(session: Session) -> str:
        vote, project = _closed(session, actor, vote_id)
        current = _justerare(session, actor, vote_id)
        if not text:
            raise DomainError(ErrorCode.REASON_REQUIRED, usage="correction")
        _check_length(text)
        change = record_change(
            services,
            session,
            actor,
            project,
            "record.change_request",
            vote_target(vote),
            None,
            text,
        )
        request = out.change_request(
            project.team_id, project.lead_id, vote_id, current.version, actor.user_id, text, change
        )
        enqueue(session, now, request)
        return project.lead_id

    return transaction(services, work)


def correct(services: Services, actor: Actor, channel_id: str, text: str) -> Minutes:
    """`rättelse <text>`: the projektledare appends a correction to the latest closed vote's
    record; it begins a new version, which the chair and the justerare justera again."""
    text = text.strip()
    now = services.clock()

    def work(session: Session) -> Minutes:
        project = project_of_channel(session, actor, channel_id)
        require_lead(actor.user_id, project.lead_id)
        _check_length(text)
        latest = vote_store.latest_closed(session=session, project_id=row_id(project))
        if latest is None:
            raise DomainError(ErrorCode.NO_DECISION)
        vote, _ = _closed(session, actor, row_id(latest))
        _append_correction(services, session, actor, project, vote, text, now)
        return minutes_of(session, vote)

    return transaction(services, work)


def _append_correction(
    services: Services,
    session: Session,
    actor: Actor,
    project: Project,
    vote: Vote,
    text: str,
    now: datetime,
) -> None:
    """A rättelse: appended with who, when and why; it begins the record's next version."""
    current = justering_of(session, row_id(vote))
    number = (current.version if current else 0) + 1
    store.add_correction(
        session=session,
        correction=RecordCorrection(
            vote_id=row_id(vote), version=number, user_id=actor.user_id, text=text, at=now
        ),
    )
    chair = current.chair if current else vote.chair_id
    begin_version(services, session, project, row_id(vote), number, chair, now)
    target = vote_target(vote)
    record_change(services, session, actor, project, "record.correction", target, None, text)


def _check_length(text: str) -> None:
    if len(text) > MAX_TEXT:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, length=str(len(text)), limit=str(MAX_TEXT))


def record_of(services: Services, vote_id: int) -> Minutes | None:
    """A closed vote's record as it stands now (for the deliveries)."""
    with services.db.reading() as session:
        vote = session.get(Vote, vote_id)
        if vote is None or vote.record is None:
            return None
        return minutes_of(session, vote)


def to_justera(services: Services, team_id: str, user_id: str) -> tuple[Minutes, ...]:
    """App Home: the records `user_id` has yet to justera."""
    with services.db.reading() as session:
        waiting = store.waiting_for(session=session, team_id=team_id, user_id=user_id)
        found = (minutes_of(session, vote) for vote in waiting)
        return tuple(m for m in found if m.justering and user_id in m.justering.waiting)
