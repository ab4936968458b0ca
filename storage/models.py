"""The tables. Constraints live here (unique keys, foreign keys), not in `if`s elsewhere."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, MetaData, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UtcDateTime

# Named constraints let migrations drop or alter them by name, also in SQLite's batch mode.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _utc(*, nullable: bool = False) -> Any:
    return Field(sa_type=UtcDateTime(), nullable=nullable)


class Project(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("team_id", "channel_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    channel_id: str = Field(max_length=32)
    name: str = Field(max_length=200)
    phase_key: str = Field(max_length=64)
    lead_id: str = Field(max_length=32)
    created_at: datetime = _utc()


class Activity(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("project_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(
        sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False)
    )
    key: str = Field(max_length=64)
    status: str = Field(max_length=32)
    owner_id: str | None = Field(default=None, max_length=32)
    due: date | None = None
    note: str | None = Field(default=None, max_length=2000)
    updated_at: datetime = _utc()


class AuditEntry(SQLModel, table=True):
    """Append-only (a trigger refuses UPDATE and DELETE): what a registrar may be asked for."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    project_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("project.id"), nullable=True, index=True),
    )
    actor_id: str = Field(max_length=32)
    action: str = Field(max_length=64)
    target: str = Field(max_length=128)
    before: Any | None = Field(default=None, sa_type=JSON)
    after: Any | None = Field(default=None, sa_type=JSON)
    at: datetime = _utc()
