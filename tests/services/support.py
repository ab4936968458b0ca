"""The people, the services and the ready project the use-case tests run against."""

from __future__ import annotations

from bot.domain.activities import ActivityStatus
from bot.phases import load_phase
from bot.services import activities, justering, projects
from bot.services.context import Actor, Services
from storage.db import Database, upgrade
from tests.support.clock import Clock

TEAM = "T0001"
ANNA = Actor(TEAM, "UANNA")  # projektledare
ERIK = Actor(TEAM, "UERIK")
SARA = Actor(TEAM, "USARA")
CHANNEL = "CPROJ"
MARIA = Actor(TEAM, "UMARIA")


def build_services(database_url: str, clock: Clock) -> Services:
    db = Database.from_url(database_url)
    upgrade(db.engine)
    phase = load_phase()
    return Services(db=db, phases={phase.key: phase}, default_phase=phase.key, clock=clock)


def ready_project(
    services: Services, name: str = "Kommunen X", channel: str = CHANNEL, lead: Actor = ANNA
) -> None:
    """A project in `channel` ready for Milstolpe VII: activities done, the five documents linked,
    Erik, Sara and Maria in the steering group, Sara the chair, Erik the justerare."""
    projects.create_project(services, lead, channel, name)
    for ref in ("1.1", "1.2", "1.3", "2", "3", "4"):
        activities.set_status(services, lead, channel, ref, ActivityStatus.DONE)
    for key in ("forvaltningsplan", "samverkansavtal", "driftplan", "effekthemtagningsplan"):
        activities.link_document(services, lead, channel, key, f"https://x.se/{key}")
    activities.link_document(services, lead, channel, "slutrapport", "https://x.se/s")
    projects.set_steering(services, lead, channel, [ERIK.user_id, SARA.user_id, MARIA.user_id])
    projects.set_chair(services, lead, channel, SARA.user_id)
    justering.set_adjuster(services, lead, channel, ERIK.user_id)
