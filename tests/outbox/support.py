"""What the sender's tests share: one clock the test moves, a scripted delivery, the queue."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.outbox import Attempt
from bot.phases import load_phase
from bot.services import projects
from bot.services.context import Actor, Services
from bot.services.outbox_events import Outgoing, Payload
from bot.services.unit import enqueue
from storage import outbox as queue
from storage import votes as vote_store
from storage.db import Database, upgrade
from storage.models import OutboxEvent, Vote

TEAM = "T0001"
LEAD = Actor(TEAM, "UANNA")  # the projektledare
OWNER = "UERIK"
OTHER = "USARA"
PROJECT_CHANNEL = "CPROJ"
STAKEHOLDERS = "CSTAKE"


@dataclass
class Clock:
    """Both of the sender's clocks: the wall clock (due times, leases) and the monotonic one
    (pacing), moved together and only by the test."""

    now: datetime
    seconds: float = 0.0

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.seconds

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        self.seconds += seconds


@dataclass
class Scripted:
    """A fake delivery: each attempt is recorded, starts its target's pacing as a post does,
    reads its payload as `expects` when given, and then raises the next outcome (or, when
    none is left, is delivered)."""

    outcomes: Sequence[Exception] = ()
    expects: type[Payload] | None = None
    seen: list[Attempt] = field(default_factory=list)
    payloads: list[Payload] = field(default_factory=list)
    _left: list[Exception] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._left = list(self.outcomes)  # a parametrised script serves every run whole

    def __call__(self, attempt: Attempt) -> None:
        self.seen.append(attempt)
        if self.expects is not None:
            self.payloads.append(attempt.payload(self.expects))
        attempt.posting()
        if self._left:
            raise self._left.pop(0)


def build_services(database_url: str, clock: Clock) -> Services:
    db = Database.from_url(database_url)
    upgrade(db.engine)
    phase = load_phase()
    return Services(db=db, phases={phase.key: phase}, default_phase=phase.key, clock=clock)


def put(services: Services, *events: Outgoing) -> None:
    with services.db.session() as session:
        enqueue(session, services.clock(), *events)


def put_raw(services: Services, key: str, kind: str, payload: dict[str, Any]) -> None:
    """An event as no builder writes it: a kind from a future version, a hand-edited payload."""
    row = {"key": key, "team_id": TEAM, "kind": kind, "target": OWNER, "payload": payload}
    with services.db.session() as session:
        queue.enqueue_many(session=session, events=[row], now=services.clock())


def stored(services: Services, key: str) -> OutboxEvent:
    with services.db.session() as session:
        return next(e for e in queue.events(session=session) if e.key == key)


def kinds_queued(services: Services) -> list[str]:
    with services.db.session() as session:
        return [e.kind for e in queue.events(session=session)]


def open_vote(services: Services) -> int:
    """A project led by LEAD with an open vote, as the sender's give-up rule reads it."""
    project = projects.create_project(services, LEAD, PROJECT_CHANNEL, "Kommunen X")
    now = services.clock()
    vote = Vote(
        project_id=project.id,
        milestone=services.phase().milestone.key,
        status=vote_store.OPEN,
        channel_id=PROJECT_CHANNEL,
        members=[OWNER, OTHER],
        chair_id=OTHER,
        opened_by=LEAD.user_id,
        opened_at=now,
        deadline=now + timedelta(days=7),
    )
    with services.db.session() as session:
        added = vote_store.add_vote(session=session, vote=vote)
        assert added.id is not None
        return added.id
