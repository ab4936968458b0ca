"""The tables. Constraints live here (unique keys, foreign keys), not in `if`s elsewhere."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from storage.types import UtcDateTime

# Named constraints let migrations drop or alter them by name, also in SQLite's batch mode.
# Ids of people, rooms, messages and teams: Slack's are short, Matrix's are up to 255 bytes
# (`@forvaltningsbot:kommun.example.se`, an event id of 44 characters).
ID_MAX = 255

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


def _vote_id() -> Any:
    return Field(
        sa_column=Column(Integer, ForeignKey("vote.id", ondelete="CASCADE"), nullable=False)
    )


class Project(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id"),
        # One name per workspace, whatever the case or diacritics: a look-alike "kommunen x"
        # beside "Kommunen X" could stage a decision under the real project's name.
        Index("ix_project_team_id_name_key", "team_id", "name_key", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=ID_MAX)
    channel_id: str = Field(max_length=ID_MAX)
    name: str = Field(max_length=200)
    # `name` folded (bot.domain.naming.normalize), for the unique key.
    name_key: str = Field(max_length=200)
    phase_key: str = Field(max_length=64)
    lead_id: str = Field(max_length=ID_MAX)
    chair_id: str | None = Field(default=None, max_length=ID_MAX)
    vote_channel_id: str | None = Field(default=None, max_length=ID_MAX)
    created_at: datetime = _utc()
    # The meeting's people besides the ledamöter: ersättare in turn order, adjungerade, and the
    # föredragande (None: the projektledare); the proposal (None: the template's default).
    substitutes: Any | None = Field(default=None, sa_type=JSON)
    coopted: Any | None = Field(default=None, sa_type=JSON)
    presenter_id: str | None = Field(default=None, max_length=ID_MAX)
    proposal: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Who justerar the record with the chair (a ledamot), and the registrar's diarienummer.
    adjuster_id: str | None = Field(default=None, max_length=ID_MAX)
    case_number: str | None = Field(default=None, max_length=64)


class Activity(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("project_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(
        sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False)
    )
    key: str = Field(max_length=64)
    status: str = Field(max_length=32)
    owner_id: str | None = Field(default=None, max_length=ID_MAX, index=True)
    due: date | None = None
    note: str | None = Field(default=None, max_length=2000)
    updated_at: datetime = _utc()
    # Skjut upp: no reminder of this activity before then; the tick reminds once when it passes.
    snoozed_until: datetime | None = Field(
        default=None, sa_type=UtcDateTime(), nullable=True, index=True
    )
    # When the tick escalates this overdue activity to the projektledare (None: nothing armed),
    # and the due date it last escalated for, so one due date escalates once.
    escalate_at: datetime | None = Field(
        default=None, sa_type=UtcDateTime(), nullable=True, index=True
    )
    escalated_due: date | None = None


class ReminderSchedule(SQLModel, table=True):
    """A project's reminder schedule; `next_run_at` is the occurrence the tick claims next."""

    __tablename__ = "reminder_schedule"

    project_id: int = Field(
        sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), primary_key=True)
    )
    spec: str = Field(max_length=200)
    next_run_at: datetime = Field(sa_type=UtcDateTime(), nullable=False, index=True)
    updated_at: datetime = _utc()


# A vote's status (storage.votes names them too).
VOTE_OPEN, VOTE_CLOSED = "open", "closed"
OPEN_VOTE = text("status = 'open'")


class Vote(SQLModel, table=True):
    """The steering group's vote at a milestone, and, once closed, its beslutsprotokoll.

    A partial unique index allows one open vote per project and milestone. The electorate
    (members, chair) is fixed when the vote opens. `record` is the decision record as canonical
    JSON; a trigger refuses to change it, or the outcome, once the vote is closed.
    """

    __table_args__ = (
        Index(
            "uq_vote_open_per_milestone",
            "project_id",
            "milestone",
            unique=True,
            sqlite_where=OPEN_VOTE,
            postgresql_where=OPEN_VOTE,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(
        sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False)
    )
    milestone: str = Field(max_length=64)
    status: str = Field(max_length=16, index=True)
    channel_id: str = Field(max_length=ID_MAX)
    message_ts: str | None = Field(default=None, max_length=ID_MAX)
    members: Any = Field(sa_type=JSON)
    chair_id: str | None = Field(default=None, max_length=ID_MAX)
    opened_by: str = Field(max_length=ID_MAX)
    opened_at: datetime = _utc()
    deadline: datetime = Field(sa_type=UtcDateTime(), nullable=False, index=True)
    # When non-voters are reminded (None: done, or too late to be useful).
    remind_at: datetime | None = Field(
        default=None, sa_type=UtcDateTime(), nullable=True, index=True
    )
    closed_at: datetime | None = _utc(nullable=True)
    closed_by: str | None = Field(default=None, max_length=ID_MAX)
    close_reason: str | None = Field(default=None, max_length=16)
    outcome: str | None = Field(default=None, max_length=16)
    record: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Fixed when the vote opens, like the members: who may step in, who takes part without a
    # vote, who presents, and the text voted on.
    substitutes: Any | None = Field(default=None, sa_type=JSON)
    coopted: Any | None = Field(default=None, sa_type=JSON)
    presenter_id: str | None = Field(default=None, max_length=ID_MAX)
    proposal: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Återremiss: {"by", "motivation", "at"}, set in the same UPDATE that closes the vote.
    referral: Any | None = Field(default=None, sa_type=JSON)


class Ballot(SQLModel, table=True):
    """A member's current ballot: yes, no, abstain, or conflict (jäv). One per member and vote;
    every cast and change is also in the audit log."""

    __table_args__ = (UniqueConstraint("vote_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = _vote_id()
    user_id: str = Field(max_length=ID_MAX)
    choice: str = Field(max_length=16)
    cast_at: datetime = _utc()


class Reservation(SQLModel, table=True):
    """A member's recorded dissent from a closed vote's decision, with the reason."""

    __table_args__ = (UniqueConstraint("vote_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = _vote_id()
    user_id: str = Field(max_length=ID_MAX)
    reason: str = Field(max_length=2000)
    at: datetime = _utc()


class JavQuestion(SQLModel, table=True):
    """One jäv question about a member: declared by them or raised by another, and its ruling.

    `vote_id` is None for a declaration made while no vote was open: it holds for the project's
    next vote, which takes it over when it opens. One question per member and vote.
    """

    __tablename__ = "jav"
    __table_args__ = (UniqueConstraint("vote_id", "member"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(
        sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False)
    )
    vote_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("vote.id", ondelete="CASCADE"), nullable=True),
    )
    member: str = Field(max_length=ID_MAX)
    ground: str | None = Field(default=None, max_length=16)
    motivation: str = Field(max_length=2000)
    raised_by: str = Field(max_length=ID_MAX)
    at: datetime = _utc()
    ruled_javig: bool | None = Field(default=None)
    ruled_by: str | None = Field(default=None, max_length=ID_MAX)
    ruled_at: datetime | None = _utc(nullable=True)


class Absence(SQLModel, table=True):
    """Förhinder: a ledamot (or ersättare) who cannot take part in one vote."""

    __tablename__ = "forhinder"
    __table_args__ = (UniqueConstraint("vote_id", "member"),)

    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = _vote_id()
    member: str = Field(max_length=ID_MAX)
    at: datetime = _utc()


class RecordNote(SQLModel, table=True):
    """A protokollsanteckning: a remark someone who took part adds to the vote's record."""

    __tablename__ = "record_note"

    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = _vote_id()
    user_id: str = Field(max_length=ID_MAX)
    text: str = Field(max_length=2000)
    at: datetime = _utc()


class SlackEvent(SQLModel, table=True):
    """Events already processed, by Slack's event_id, so a redelivery is processed once."""

    __tablename__ = "slack_event"

    event_id: str = Field(primary_key=True, max_length=64)
    team_id: str = Field(max_length=ID_MAX)
    received_at: datetime = Field(sa_type=UtcDateTime(), nullable=False, index=True)


class ReminderMessage(SQLModel, table=True):
    """A reminder DM the bot posted: whose it is and what it lists, so a click in it redraws
    what the bot sent rather than what the click's payload claims."""

    __tablename__ = "reminder_message"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", "ts"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=ID_MAX)
    user_id: str = Field(max_length=ID_MAX)
    channel_id: str = Field(max_length=ID_MAX)
    ts: str = Field(max_length=ID_MAX)
    activities: Any = Field(sa_type=JSON)
    posted_at: datetime = _utc()


class SlackWorkspaceOrg(SQLModel, table=True):
    """The Enterprise Grid org a Slack workspace was seen in, as Bolt resolved a request for it
    (or an install named it): the outbox knows a workspace by its team id alone, and an
    org-wide install is stored under its org, with no team."""

    __tablename__ = "slack_workspace_org"

    team_id: str = Field(primary_key=True, max_length=ID_MAX)
    enterprise_id: str = Field(max_length=ID_MAX, index=True)


class SlackRequest(SQLModel, table=True):
    """Signed commands, clicks and dialog submissions already handled, by what Slack makes
    unique per action (hashed), so the same request played again changes nothing."""

    __tablename__ = "slack_request"

    key: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=32)
    team_id: str = Field(max_length=32)
    received_at: datetime = Field(sa_type=UtcDateTime(), nullable=False, index=True)


class AuditEntry(SQLModel, table=True):
    """Append-only (a trigger refuses UPDATE and DELETE): what a registrar may be asked for."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=ID_MAX)
    project_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("project.id"), nullable=True, index=True),
    )
    actor_id: str = Field(max_length=ID_MAX)
    action: str = Field(max_length=64)
    target: str = Field(max_length=ID_MAX)
    before: Any | None = Field(default=None, sa_type=JSON)
    after: Any | None = Field(default=None, sa_type=JSON)
    at: datetime = _utc()


class Document(SQLModel, table=True):
    """A decision-basis document the project linked, by the template's key."""

    __table_args__ = (UniqueConstraint("project_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(
        sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False)
    )
    key: str = Field(max_length=64)
    url: str = Field(max_length=2000)
    linked_by: str = Field(max_length=ID_MAX)
    linked_at: datetime = _utc()


class SteeringMember(SQLModel, table=True):
    """A voting member (ledamot) of the project's steering group."""

    __tablename__ = "steering_member"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(
        sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False)
    )
    user_id: str = Field(max_length=ID_MAX)
    position: int


class StakeholderChannel(SQLModel, table=True):
    """A channel that is told the decision."""

    __tablename__ = "stakeholder_channel"
    __table_args__ = (UniqueConstraint("project_id", "channel_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(
        sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False)
    )
    channel_id: str = Field(max_length=ID_MAX)
    position: int


class OutboxEvent(SQLModel, table=True):
    """Something to send to Slack, written in the transaction of the change that caused it.

    `key` is unique, so the same event can never be queued twice (a retried request, a double
    click); `next_attempt_at` and `locked_until` let any replica's sender claim it safely.
    """

    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=255, unique=True)
    team_id: str = Field(max_length=ID_MAX)
    kind: str = Field(max_length=64)
    target: str = Field(max_length=ID_MAX)
    payload: Any = Field(sa_type=JSON)
    status: str = Field(max_length=16, index=True)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = _utc()
    next_attempt_at: datetime = Field(sa_type=UtcDateTime(), nullable=False, index=True)
    locked_until: datetime | None = _utc(nullable=True)
    sent_at: datetime | None = _utc(nullable=True)
    # When the first attempt was claimed: nothing of this event can be in Slack from before.
    first_attempt_at: datetime | None = _utc(nullable=True)


# The record's versions, justeringar and rättelser live in their own module; importing it here
# registers them with this metadata whichever module is imported first.
from storage import record_tables  # noqa: E402, F401
