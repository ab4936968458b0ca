"""A connection the database server dropped (a restart, an idle timeout) costs one request.

The pool does not ping before each transaction (a round trip on the ack's path): the request
that finds its connection gone fails, changes nothing, and the pool replaces its connections,
so the next request works.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.domain.activities import ActivityStatus
from bot.services import activities, projects
from bot.services.context import Services
from storage.models import AuditEntry
from tests.services.support import ANNA, CHANNEL, build_services
from tests.support.clock import Clock
from tests.support.databases import drop_connections


def audit_rows(services: Services) -> int:
    with services.db.reading() as session:
        return int(session.execute(select(func.count()).select_from(AuditEntry)).scalar_one())


@pytest.mark.postgres
def test_a_dropped_connection_fails_one_request_and_the_next_one_works(
    database_url: str, clock: Clock
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server to drop a connection")
    services = build_services(database_url, clock)
    try:
        projects.create_project(services, ANNA, CHANNEL, "Kommunen X")
        before = audit_rows(services)
        assert drop_connections(database_url) >= 1
        # A change runs on the driver alone (bot.services.unit.driver_transaction): the
        # driver's own error, as a status meets it below.
        with pytest.raises(Exception, match=r"terminat|lost|closed"):
            activities.set_status(services, ANNA, CHANNEL, "1.1", ActivityStatus.DONE)
        activities.set_status(services, ANNA, CHANNEL, "1.1", ActivityStatus.DONE)
        assert audit_rows(services) == before + 1
    finally:
        services.db.dispose()


@pytest.mark.postgres
def test_a_status_that_meets_a_dropped_connection_renews_the_writers_too(
    database_url: str, clock: Clock
) -> None:
    """A status reads on the driver, past SQLAlchemy's error handling: the writers' pool must
    still learn of the restart from the one request that met it, so the next change works."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server to drop a connection")
    services = build_services(database_url, clock)
    try:
        projects.create_project(services, ANNA, CHANNEL, "Kommunen X")  # a writer is pooled
        before = audit_rows(services)
        assert drop_connections(database_url) >= 1
        with pytest.raises(Exception, match=r"terminat|lost|closed"):
            projects.project_status(services, ANNA.team_id, CHANNEL)
        activities.set_status(services, ANNA, CHANNEL, "1.1", ActivityStatus.DONE)
        assert audit_rows(services) == before + 1
        assert projects.project_status(services, ANNA.team_id, CHANNEL).name == "Kommunen X"
    finally:
        services.db.dispose()
