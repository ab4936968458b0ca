"""Which Enterprise Grid org each Slack workspace belongs to, as Slack showed it to the bot."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.models import SlackWorkspaceOrg


def remember(*, session: Session, team_id: str, enterprise_id: str) -> None:
    """The workspace is in that org: one upsert, which writes nothing if it was known so, and
    replaces the org if the workspace moved (Slack migrates workspaces into an org)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(SlackWorkspaceOrg).values(team_id=team_id, enterprise_id=enterprise_id)
    table = SlackWorkspaceOrg.__table__  # type: ignore[attr-defined]
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.team_id],
            set_={"enterprise_id": statement.excluded.enterprise_id},
            where=table.c.enterprise_id != statement.excluded.enterprise_id,
        )
    )


def org_of(*, session: Session, team_id: str) -> str | None:
    """The org the workspace was seen in; None if it never was (or is not on Grid)."""
    found = session.execute(
        select(SlackWorkspaceOrg.enterprise_id).where(col(SlackWorkspaceOrg.team_id) == team_id)
    )
    return found.scalar_one_or_none()


def teams_of(*, session: Session, enterprise_id: str) -> list[str]:
    """Every workspace seen in the org, in team id order."""
    found = session.execute(
        select(SlackWorkspaceOrg.team_id)
        .where(col(SlackWorkspaceOrg.enterprise_id) == enterprise_id)
        .order_by(col(SlackWorkspaceOrg.team_id))
    )
    return list(found.scalars())
