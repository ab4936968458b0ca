"""The Enterprise Grid org of each Slack workspace, for finding an org-wide install by team.

An org-wide install is stored under its org alone, with no team, and the outbox knows a
workspace by its team id alone: with org-wide installs of several orgs it needs to know which
org a workspace is in. The platform tells us whenever it authorizes a request (and at install
time); the database holds the answer for every replica. Each process keeps the pairs it has
written or read, so a request for a workspace already known writes nothing at all.
"""

from __future__ import annotations

import threading

from storage import workspace_orgs
from storage.db import Database

# Pairs kept in memory; past this many (more workspaces than a deployment is likely to see)
# the memory starts over, and the database answers until it has filled again.
KNOWN_MAX = 10_000


class WorkspaceOrgs:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._known: dict[str, str] = {}
        self._lock = threading.Lock()

    def saw(self, team_id: str, enterprise_id: str) -> None:
        """The workspace was seen in that org: recorded unless this process knows it already."""
        with self._lock:
            if self._known.get(team_id) == enterprise_id:
                return
        with self._db.session() as session:
            workspace_orgs.remember(session=session, team_id=team_id, enterprise_id=enterprise_id)
        self._keep(team_id, enterprise_id)

    def org_of(self, team_id: str) -> str | None:
        """The org the workspace was seen in, by any replica; None if never."""
        with self._lock:
            known = self._known.get(team_id)
        if known is not None:
            return known
        with self._db.reading() as session:
            found = workspace_orgs.org_of(session=session, team_id=team_id)
        if found is not None:
            self._keep(team_id, found)
        return found

    def teams_of(self, enterprise_id: str) -> list[str]:
        """Every workspace seen in the org, by any replica."""
        with self._db.reading() as session:
            return workspace_orgs.teams_of(session=session, enterprise_id=enterprise_id)

    def _keep(self, team_id: str, enterprise_id: str) -> None:
        with self._lock:
            if len(self._known) >= KNOWN_MAX:
                self._known.clear()
            self._known[team_id] = enterprise_id
