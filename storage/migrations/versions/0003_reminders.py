"""Reminders: each project's schedule, snoozes and escalations.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from storage.types import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_schedule",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("spec", sa.String(200), nullable=False),
        sa.Column("next_run_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_reminder_schedule_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_reminder_schedule")),
    )
    op.create_index(op.f("ix_reminder_schedule_next_run_at"), "reminder_schedule", ["next_run_at"])
    with op.batch_alter_table("activity") as batch:
        batch.add_column(sa.Column("snoozed_until", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("escalate_at", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("escalated_due", sa.Date(), nullable=True))
    op.create_index(op.f("ix_activity_snoozed_until"), "activity", ["snoozed_until"])
    op.create_index(op.f("ix_activity_escalate_at"), "activity", ["escalate_at"])
    _default_schedules()


def _default_schedules() -> None:
    """Projects created before reminders existed get the default schedule, like new ones."""
    # Imported here: the domain is needed only for this data step.
    from bot.domain.schedule import DEFAULT_SCHEDULE, next_occurrence, parse_schedule
    from bot.holidays_se import swedish_calendar

    connection = op.get_bind()
    now = datetime.now(UTC)
    schedule = parse_schedule(DEFAULT_SCHEDULE)
    first = next_occurrence(schedule, now, swedish_calendar())
    table = sa.table(
        "reminder_schedule",
        sa.column("project_id", sa.Integer()),
        sa.column("spec", sa.String()),
        sa.column("next_run_at", UtcDateTime()),
        sa.column("updated_at", UtcDateTime()),
    )
    ids = [row[0] for row in connection.execute(sa.text("SELECT id FROM project"))]
    if ids:
        op.bulk_insert(
            table,
            [
                {"project_id": i, "spec": schedule.spec, "next_run_at": first, "updated_at": now}
                for i in ids
            ],
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_activity_escalate_at"), table_name="activity")
    op.drop_index(op.f("ix_activity_snoozed_until"), table_name="activity")
    with op.batch_alter_table("activity") as batch:
        batch.drop_column("escalated_due")
        batch.drop_column("escalate_at")
        batch.drop_column("snoozed_until")
    op.drop_index(op.f("ix_reminder_schedule_next_run_at"), table_name="reminder_schedule")
    op.drop_table("reminder_schedule")
