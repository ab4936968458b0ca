"""A closed vote's record as it stands: the stored record and the rows kept beside it.

The record JSON the close wrote never changes (a trigger refuses it); reservations, notes,
rättelser and each version's justering are rows of their own, read here into `Minutes`. A
version once justerat is read from the canonical JSON stored with it, so what it shows, and
its checksum, stay as they were sealed whatever changes in the project afterwards.
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
    return None if version is None else _justering(session, version)


def _justering(session: Session, version: RecordVersion) -> Justering:
    done = tuple(
        (j.user_id, j.at)
        for j in store.justeringar(session=session, vote_id=version.vote_id)
        if j.version == version.version
    )
    return Justering(
        version.vote_id,
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
    """The record as it stands: its current version, which, once justerat, is exactly what
    was sealed (not the project's fields as they are now)."""
    assert vote.record is not None
    current = store.current(session=session, vote_id=row_id(vote))
    if current is not None and current.canonical is not None:
        return _sealed(session, vote, current)
    return _live(session, vote)


def versions_of(session: Session, vote: Vote) -> tuple[Minutes, ...]:
    """Every justerat version as it was sealed, then the current one if it is not justerat."""
    rows = store.versions(session=session, vote_id=row_id(vote))
    found = [_sealed(session, vote, row) for row in rows if row.canonical is not None]
    if not rows or rows[-1].canonical is None:
        found.append(_live(session, vote))
    return tuple(found)


def sealed_version(session: Session, vote: Vote, version: int) -> Minutes | None:
    """Version `version` as it was justerat; None if it never was."""
    rows = store.versions(session=session, vote_id=row_id(vote))
    row = next((r for r in rows if r.version == version and r.canonical is not None), None)
    return None if row is None else _sealed(session, vote, row)


def _failed_channels(session: Session, vote_id: int) -> tuple[str, ...]:
    failed = queue.failed_for(
        session=session,
        kind=out.OutboxKind.ANNOUNCEMENT,
        key_prefix=out.announcement_prefix(vote_id),
    )
    return tuple(e.target for e in failed)


def _sealed(session: Session, vote: Vote, version: RecordVersion) -> Minutes:
    assert version.canonical is not None
    document = json.loads(version.canonical)
    failed = _failed_channels(session, row_id(vote))
    return Minutes.as_sealed(document, _justering(session, version), failed)


def _live(session: Session, vote: Vote) -> Minutes:
    """A record not justerat yet, from the rows beside it and the project's fields now."""
    assert vote.record is not None
    vote_id = row_id(vote)
    reservations = tuple(
        {"user": r.user_id, "reason": r.reason, "at": r.at.isoformat()}
        for r in votes.reservations(session=session, vote_id=vote_id)
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
        _failed_channels(session, vote_id),
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
