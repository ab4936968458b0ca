"""A closed vote's record as it stands: the stored record and the rows kept beside it.

The record JSON the close wrote never changes (a trigger refuses it); reservations, notes,
rättelser and each version's justering are rows of their own, read here into `Minutes`.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session

from bot.domain.errors import DomainError, ErrorCode
from bot.domain.justering import Justering, reminder_at
from bot.domain.minutes import Minutes
from bot.services import outbox_events as out
from bot.services.context import Services
from bot.services.unit import enqueue, row_id
from storage import justering as store
from storage import meeting, votes
from storage import outbox as queue
from storage.models import Project, Vote
from storage.record_tables import RecordVersion


def justering_of(session: Session, vote_id: int) -> Justering | None:
    """The current version's justering; None for a record closed before justering existed."""
    version = store.current(session=session, vote_id=vote_id)
    if version is None:
        return None
    done = tuple(
        (j.user_id, j.at)
        for j in store.justeringar(session=session, vote_id=vote_id)
        if j.version == version.version
    )
    return Justering(
        vote_id,
        version.version,
        version.chair_id,
        version.adjuster_id,
        done,
        version.justerat_at,
        version.checksum,
    )


def paragraph_of(session: Session, vote: Vote) -> int:
    """§ n: the vote's place among its project's closed votes."""
    closed = [v.id for v in votes.votes_of(session=session, project_id=vote.project_id) if v.record]
    return closed.index(vote.id) + 1 if vote.id in closed else len(closed) + 1


def minutes_of(session: Session, vote: Vote) -> Minutes:
    assert vote.record is not None
    vote_id = row_id(vote)
    reservations = tuple(
        {"user": r.user_id, "reason": r.reason, "at": r.at.isoformat()}
        for r in votes.reservations(session=session, vote_id=vote_id)
    )
    failed = queue.failed_for(
        session=session,
        kind=out.OutboxKind.ANNOUNCEMENT,
        key_prefix=out.announcement_prefix(vote_id),
    )
    notes = tuple(
        {"user": n.user_id, "text": n.text, "at": n.at.isoformat()}
        for n in meeting.notes(session=session, vote_id=vote_id)
    )
    corrections = tuple(
        {"user": c.user_id, "text": c.text, "at": c.at.isoformat(), "version": c.version}
        for c in store.corrections(session=session, vote_id=vote_id)
    )
    project = session.get(Project, vote.project_id)
    return Minutes(
        json.loads(vote.record),
        reservations,
        tuple(e.target for e in failed),
        notes=notes,
        corrections=corrections,
        justering=justering_of(session, vote_id),
        case_number=project.case_number if project else None,
        paragraph=paragraph_of(session, vote),
    )


def begin(
    services: Services, session: Session, project: Project, vote: Vote, now: datetime
) -> None:
    """At the close: version 1, and the justering DM to the chair and the justerare."""
    begin_version(services, session, project, row_id(vote), 1, vote.chair_id, now)


def begin_version(
    services: Services,
    session: Session,
    project: Project,
    vote_id: int,
    version: int,
    chair: str | None,
    now: datetime,
) -> None:
    adjuster = project.adjuster_id if project.adjuster_id != chair else None
    row = RecordVersion(
        vote_id=vote_id,
        version=version,
        chair_id=chair,
        adjuster_id=adjuster,
        opened_at=now,
        remind_at=reminder_at(now, services.calendar),
    )
    store.begin(session=session, version=row)
    people = dict.fromkeys(p for p in (chair, adjuster) if p)
    enqueue(
        session,
        now,
        *(out.justering(project.team_id, vote_id, version, p) for p in people),
        *(out.home_refresh(project.team_id, p) for p in people),
    )


def refuse_if_justerat(session: Session, vote_id: int) -> None:
    """Reservations and notes end when the record is first justerat (a rättelse does not
    reopen them)."""
    if any(v.justerat_at for v in store.versions(session=session, vote_id=vote_id)):
        raise DomainError(ErrorCode.RECORD_JUSTERAT)
