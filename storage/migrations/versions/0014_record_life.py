"""The record's life after the close: the justerare and the diarienummer, one row per version
of the record (the first at the close, one more per rättelse), each justering, each rättelse.

Nothing is updated in place once justerat: a version row gets its checksum and canonical JSON
once, when both have justerat it; a rättelse adds a version, never rewrites one.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UtcDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _vote_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["vote_id"], ["vote.id"], name=op.f(f"fk_{table}_vote_id_vote"), ondelete="CASCADE"
    )


def _base(table: str) -> list[sa.Column[object] | sa.ForeignKeyConstraint]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _vote_fk(table),
    ]


def upgrade() -> None:
    with op.batch_alter_table("project") as batch:
        batch.add_column(sa.Column("adjuster_id", sa.String(255), nullable=True))
        batch.add_column(sa.Column("case_number", sa.String(64), nullable=True))
    op.create_table(
        "record_version",
        *_base("record_version"),
        sa.Column("chair_id", sa.String(255), nullable=True),
        sa.Column("adjuster_id", sa.String(255), nullable=True),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.Column("remind_at", UtcDateTime(), nullable=True),
        sa.Column("justerat_at", UtcDateTime(), nullable=True),
        sa.Column("checksum", sa.String(64), nullable=True),
        sa.Column("canonical", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_version")),
        sa.UniqueConstraint("vote_id", "version", name=op.f("uq_record_version_vote_id_version")),
    )
    op.create_index(op.f("ix_record_version_remind_at"), "record_version", ["remind_at"])
    op.create_table(
        "record_justering",
        *_base("record_justering"),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_justering")),
        sa.UniqueConstraint(
            "vote_id",
            "version",
            "user_id",
            name=op.f("uq_record_justering_vote_id_version_user_id"),
        ),
    )
    op.create_table(
        "record_correction",
        *_base("record_correction"),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("text", sa.String(2000), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_correction")),
    )


def downgrade() -> None:
    op.drop_table("record_correction")
    op.drop_table("record_justering")
    op.drop_index(op.f("ix_record_version_remind_at"), table_name="record_version")
    op.drop_table("record_version")
    with op.batch_alter_table("project") as batch:
        batch.drop_column("case_number")
        batch.drop_column("adjuster_id")
