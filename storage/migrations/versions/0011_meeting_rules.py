"""The meeting's rules: ersättare, adjungerade, föredragande, the proposal, jäv with grounds
and rulings, förhinder, protokollsanteckningar, återremiss.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UtcDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_PEOPLE = ("substitutes", "coopted", "presenter_id", "proposal")


def _people_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("substitutes", sa.JSON(), nullable=True),
        sa.Column("coopted", sa.JSON(), nullable=True),
        sa.Column("presenter_id", sa.String(255), nullable=True),
        sa.Column("proposal", sa.Text(), nullable=True),
    ]


def _vote_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["vote_id"], ["vote.id"], name=op.f(f"fk_{table}_vote_id_vote"), ondelete="CASCADE"
    )


def upgrade() -> None:
    with op.batch_alter_table("project") as batch:
        for column in _people_columns():
            batch.add_column(column)
    with op.batch_alter_table("vote") as batch:
        for column in _people_columns():
            batch.add_column(column)
        batch.add_column(sa.Column("referral", sa.JSON(), nullable=True))
    op.create_table(
        "jav",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=True),
        sa.Column("member", sa.String(255), nullable=False),
        sa.Column("ground", sa.String(16), nullable=True),
        sa.Column("motivation", sa.String(2000), nullable=False),
        sa.Column("raised_by", sa.String(255), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("ruled_javig", sa.Boolean(), nullable=True),
        sa.Column("ruled_by", sa.String(255), nullable=True),
        sa.Column("ruled_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_jav_project_id_project"),
            ondelete="CASCADE",
        ),
        _vote_fk("jav"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jav")),
        sa.UniqueConstraint("vote_id", "member", name=op.f("uq_jav_vote_id_member")),
    )
    op.create_table(
        "forhinder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("member", sa.String(255), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        _vote_fk("forhinder"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forhinder")),
        sa.UniqueConstraint("vote_id", "member", name=op.f("uq_forhinder_vote_id_member")),
    )
    op.create_table(
        "record_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("text", sa.String(2000), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        _vote_fk("record_note"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_note")),
    )
    # A first-round jäv was a ballot "conflict"; it becomes a declaration without a ground.
    op.execute(
        """
        INSERT INTO jav (project_id, vote_id, member, ground, motivation, raised_by, at)
        SELECT vote.project_id, ballot.vote_id, ballot.user_id, NULL, '', ballot.user_id,
               ballot.cast_at
        FROM ballot JOIN vote ON vote.id = ballot.vote_id
        WHERE ballot.choice = 'conflict'
        """
    )


def downgrade() -> None:
    op.drop_table("record_note")
    op.drop_table("forhinder")
    op.drop_table("jav")
    with op.batch_alter_table("vote") as batch:
        batch.drop_column("referral")
        for name in _PEOPLE:
            batch.drop_column(name)
    with op.batch_alter_table("project") as batch:
        for name in _PEOPLE:
            batch.drop_column(name)
