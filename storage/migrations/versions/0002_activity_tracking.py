"""Activity tracking: documents, steering group, stakeholder channels, the outbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _project_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["project_id"],
        ["project.id"],
        name=op.f(f"fk_{table}_project_id_project"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    with op.batch_alter_table("project") as batch:
        batch.add_column(sa.Column("chair_id", sa.String(32), nullable=True))
        batch.add_column(sa.Column("vote_channel_id", sa.String(32), nullable=True))
    op.create_index(op.f("ix_activity_owner_id"), "activity", ["owner_id"])
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("linked_by", sa.String(32), nullable=False),
        sa.Column("linked_at", UtcDateTime(), nullable=False),
        _project_fk("document"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
        sa.UniqueConstraint("project_id", "key", name=op.f("uq_document_project_id_key")),
    )
    op.create_table(
        "steering_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _project_fk("steering_member"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_steering_member")),
        sa.UniqueConstraint(
            "project_id", "user_id", name=op.f("uq_steering_member_project_id_user_id")
        ),
    )
    op.create_table(
        "stakeholder_channel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _project_fk("stakeholder_channel"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stakeholder_channel")),
        sa.UniqueConstraint(
            "project_id", "channel_id", name=op.f("uq_stakeholder_channel_project_id_channel_id")
        ),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("target", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=False),
        sa.Column("locked_until", UtcDateTime(), nullable=True),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("key", name=op.f("uq_outbox_key")),
    )
    op.create_index(op.f("ix_outbox_status"), "outbox", ["status"])
    op.create_index(op.f("ix_outbox_next_attempt_at"), "outbox", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_outbox_next_attempt_at"), table_name="outbox")
    op.drop_index(op.f("ix_outbox_status"), table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("stakeholder_channel")
    op.drop_table("steering_member")
    op.drop_table("document")
    op.drop_index(op.f("ix_activity_owner_id"), table_name="activity")
    with op.batch_alter_table("project") as batch:
        batch.drop_column("vote_channel_id")
        batch.drop_column("chair_id")
