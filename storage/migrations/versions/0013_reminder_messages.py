"""The reminder DMs the bot posted, so a click redraws the bot's own record of the message.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UtcDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(255), nullable=False),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("channel_id", sa.String(255), nullable=False),
        sa.Column("ts", sa.String(255), nullable=False),
        sa.Column("activities", sa.JSON(), nullable=False),
        sa.Column("posted_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_message")),
        sa.UniqueConstraint(
            "team_id", "channel_id", "ts", name=op.f("uq_reminder_message_team_id_channel_id_ts")
        ),
    )


def downgrade() -> None:
    op.drop_table("reminder_message")
