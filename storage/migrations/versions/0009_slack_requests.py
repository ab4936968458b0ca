"""Slack requests already handled: a replayed command, click or dialog changes nothing.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slack_request",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_slack_request")),
    )
    op.create_index(op.f("ix_slack_request_received_at"), "slack_request", ["received_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_slack_request_received_at"), table_name="slack_request")
    op.drop_table("slack_request")
