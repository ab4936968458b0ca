"""The people and the services the use-case tests run against."""

from __future__ import annotations

from bot.phases import load_phase
from bot.services.context import Actor, Services
from storage.db import Database, upgrade
from tests.support.clock import Clock

TEAM = "T0001"
ANNA = Actor(TEAM, "UANNA")  # projektledare
ERIK = Actor(TEAM, "UERIK")
SARA = Actor(TEAM, "USARA")
CHANNEL = "CPROJ"


def build_services(database_url: str, clock: Clock) -> Services:
    db = Database.from_url(database_url)
    upgrade(db.engine)
    phase = load_phase()
    return Services(db=db, phases={phase.key: phase}, default_phase=phase.key, clock=clock)
