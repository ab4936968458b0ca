"""Room, people, message and team ids as long as Matrix writes them (up to 255 characters).

Slack's ids fit in 32 characters; a Matrix user id may be up to 255 bytes, an event id is 44
characters, a room id 44 from room version 12, and a team `matrix:<server_name>`. SQLite keeps
its tables' declared types, so there the tables are rebuilt (alembic's batch mode), which drops
their triggers: the append-only audit log's and the closed vote's are made again as they were.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

WIDE, NARROW = 255, 32
COLUMNS = {
    "project": ["team_id", "channel_id", "lead_id", "chair_id", "vote_channel_id"],
    "activity": ["owner_id"],
    "vote": ["channel_id", "message_ts", "chair_id", "opened_by", "closed_by"],
    "ballot": ["user_id"],
    "reservation": ["user_id"],
    "audit_entry": ["team_id", "actor_id", "target"],
    "document": ["linked_by"],
    "steering_member": ["user_id"],
    "stakeholder_channel": ["channel_id"],
    "outbox": ["team_id", "target"],
    "slack_event": ["team_id"],  # every platform's redelivered events, despite the name
}
NARROW_OF = {("audit_entry", "target"): 128}

# What 0001 and 0004 made on SQLite, written out so this migration stays what it is.
SQLITE_TRIGGERS = {
    "audit_entry": [
        """
        CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
        BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END
        """,
        """
        CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
        BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END
        """,
    ],
    "vote": [
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


def _resize(wide: bool) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                narrow = NARROW_OF.get((table, column), NARROW)
                old, new = (narrow, WIDE) if wide else (WIDE, narrow)
                batch.alter_column(column, type_=sa.String(new), existing_type=sa.String(old))
        if sqlite:
            for statement in SQLITE_TRIGGERS.get(table, []):
                op.execute(statement)


def upgrade() -> None:
    _resize(wide=True)


def downgrade() -> None:
    _resize(wide=False)
