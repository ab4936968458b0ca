"""Project names unique per workspace, case and diacritics folded.

A new column holds the folded name and a unique index covers (team_id, name_key). Existing
rows are backfilled; where two projects of one workspace already fold to the same name, the
later ones keep their name but get their id in the key, so the upgrade never fails and the
real project (the first) keeps the name.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _fold(name: str) -> str:
    """bot.domain.naming.normalize as it was when this ran: frozen here, as a migration must be."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def upgrade() -> None:
    # NOT NULL with a default lets SQLite add the column without rebuilding the table (which
    # would cascade into the project's activities); the default goes once the rows are filled.
    op.add_column(
        "project",
        sa.Column("name_key", sa.String(200), nullable=False, server_default=""),
    )
    connection = op.get_bind()
    project = sa.table(
        "project", sa.column("id"), sa.column("team_id"), sa.column("name"), sa.column("name_key")
    )
    rows = connection.execute(
        sa.select(project.c.id, project.c.team_id, project.c.name).order_by(project.c.id)
    ).all()
    seen: set[tuple[str, str]] = set()
    for row_id, team_id, name in rows:
        key = _fold(name)
        if (team_id, key) in seen:
            key = f"{key} #{row_id}"[:200]
        seen.add((team_id, key))
        connection.execute(sa.update(project).where(project.c.id == row_id).values(name_key=key))
    if connection.dialect.name != "sqlite":
        op.alter_column("project", "name_key", server_default=None)
    op.create_index("ix_project_team_id_name_key", "project", ["team_id", "name_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_project_team_id_name_key", table_name="project")
    with op.batch_alter_table("project") as batch:
        batch.drop_column("name_key")
