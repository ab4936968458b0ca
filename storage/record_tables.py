"""The tables kept beside a closed vote's immutable record: its versions, each justering,
each rättelse (see storage.justering)."""

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models import ID_MAX, _utc, _vote_id
from storage.types import UtcDateTime


class RecordVersion(SQLModel, table=True):
    """One version of a closed vote's record: 1 at the close, one more per rättelse.

    Who justerar it is fixed when it begins; `checksum` (SHA-256 of `canonical`, its canonical
    JSON) is written once, when both have justerat. `remind_at`: the reminder (None: done).
    """

    __tablename__ = "record_version"
    __table_args__ = (UniqueConstraint("vote_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = _vote_id()
    version: int
    chair_id: str | None = Field(default=None, max_length=ID_MAX)
    adjuster_id: str | None = Field(default=None, max_length=ID_MAX)
    opened_at: datetime = _utc()
    remind_at: datetime | None = Field(
        default=None, sa_type=UtcDateTime(), nullable=True, index=True
    )
    justerat_at: datetime | None = _utc(nullable=True)
    checksum: str | None = Field(default=None, max_length=64)
    canonical: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class RecordJustering(SQLModel, table=True):
    """The chair or the justerare has justerat one version of the record."""

    __tablename__ = "record_justering"
    __table_args__ = (UniqueConstraint("vote_id", "version", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = _vote_id()
    version: int
    user_id: str = Field(max_length=ID_MAX)
    at: datetime = _utc()


class RecordCorrection(SQLModel, table=True):
    """A rättelse: appended, with who, when and why; it begins record version `version`."""

    __tablename__ = "record_correction"

    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = _vote_id()
    version: int
    user_id: str = Field(max_length=ID_MAX)
    text: str = Field(max_length=2000)
    at: datetime = _utc()
