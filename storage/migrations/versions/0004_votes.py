"""The steering group's vote: votes, ballots, the immutable decision record.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")

# A beslutsprotokoll is what a registrar files; once the vote is closed the database itself
# refuses to change its record, outcome or status (the message ts may still be filled in).
_IMMUTABLE = {
    "postgresql": [
        """
        CREATE FUNCTION vote_closed_is_immutable() RETURNS trigger AS $$
        BEGIN
            IF OLD.status = 'closed' AND (
                NEW.status IS DISTINCT FROM OLD.status
                OR NEW.outcome IS DISTINCT FROM OLD.outcome
                OR NEW.record IS DISTINCT FROM OLD.record
                OR NEW.closed_at IS DISTINCT FROM OLD.closed_at
            ) THEN
                RAISE EXCEPTION 'a closed vote and its record cannot be changed';
            END IF;
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql
        """,
        """
        CREATE TRIGGER vote_closed_is_immutable BEFORE UPDATE ON vote
        FOR EACH ROW EXECUTE FUNCTION vote_closed_is_immutable()
        """,
    ],
    "sqlite": [
        """
        CREATE TRIGGER vote_closed_is_immutable BEFORE UPDATE ON vote
        WHEN OLD.status = 'closed' AND (
            NEW.status IS NOT OLD.status
            OR NEW.outcome IS NOT OLD.outcome
            OR NEW.record IS NOT OLD.record
            OR NEW.closed_at IS NOT OLD.closed_at
        )
        BEGIN SELECT RAISE(ABORT, 'a closed vote and its record cannot be changed'); END
        """,
    ],
}
_DROP_IMMUTABLE = {
    "postgresql": [
        "DROP TRIGGER vote_closed_is_immutable ON vote",
        "DROP FUNCTION vote_closed_is_immutable()",
    ],
    "sqlite": ["DROP TRIGGER vote_closed_is_immutable"],
}


def upgrade() -> None:
    op.create_table(
        "vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("milestone", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("message_ts", sa.String(32), nullable=True),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("chair_id", sa.String(32), nullable=True),
        sa.Column("opened_by", sa.String(32), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.Column("deadline", UtcDateTime(), nullable=False),
        sa.Column("remind_at", UtcDateTime(), nullable=True),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.Column("closed_by", sa.String(32), nullable=True),
        sa.Column("close_reason", sa.String(16), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("record", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_vote_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote")),
    )
    op.create_index(op.f("ix_vote_status"), "vote", ["status"])
    op.create_index(op.f("ix_vote_deadline"), "vote", ["deadline"])
    op.create_index(op.f("ix_vote_remind_at"), "vote", ["remind_at"])
    op.create_index(
        "uq_vote_open_per_milestone",
        "vote",
        ["project_id", "milestone"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_table(
        "ballot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("choice", sa.String(16), nullable=False),
        sa.Column("cast_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["vote.id"], name=op.f("fk_ballot_vote_id_vote"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot")),
        sa.UniqueConstraint("vote_id", "user_id", name=op.f("uq_ballot_vote_id_user_id")),
    )
    for statement in _IMMUTABLE.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    for statement in _DROP_IMMUTABLE.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    op.drop_table("ballot")
    op.drop_index("uq_vote_open_per_milestone", table_name="vote")
    op.drop_index(op.f("ix_vote_remind_at"), table_name="vote")
    op.drop_index(op.f("ix_vote_deadline"), table_name="vote")
    op.drop_index(op.f("ix_vote_status"), table_name="vote")
    op.drop_table("vote")
