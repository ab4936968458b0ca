"""Enterprise Grid: the org each Slack workspace was seen in, so that the outbox, which knows a
workspace by its team id alone, finds the org-wide install of its own org among several.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slack_workspace_org",
        sa.Column("team_id", sa.String(255), nullable=False),
        sa.Column("enterprise_id", sa.String(255), nullable=False),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_slack_workspace_org")),
    )
    op.create_index(
        op.f("ix_slack_workspace_org_enterprise_id"), "slack_workspace_org", ["enterprise_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_slack_workspace_org_enterprise_id"), table_name="slack_workspace_org")
    op.drop_table("slack_workspace_org")
