"""Slack events already processed: a redelivered event (X-Slack-Retry-Num) is processed once.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slack_event",
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_slack_event")),
    )
    op.create_index(op.f("ix_slack_event_received_at"), "slack_event", ["received_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_slack_event_received_at"), table_name="slack_event")
    op.drop_table("slack_event")
