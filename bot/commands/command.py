"""What a person can ask the bot to do, as typed values: one frozen dataclass per subcommand.

Platform-neutral: the grammar (`bot.commands.grammar`) turns a command's text into one of these,
and each platform's listener turns one of these into a use case and an answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum
from typing import ClassVar


class Subcommand(StrEnum):
    HELP = "help"
    NEW = "new"
    STATUS = "status"
    MINE = "mine"
    OWNER = "owner"
    DUE = "due"
    DONE = "done"
    DOING = "doing"
    BLOCKED = "blocked"
    NA = "na"
    DOC = "doc"
    STEERING = "steering"
    CHAIR = "chair"
    VOTE_CHANNEL = "vote_channel"
    CHANNELS = "channels"
    SCHEDULE = "schedule"
    REMIND = "remind"
    MILESTONE = "milestone"
    CONFLICT = "conflict"
    CLOSE = "close"
    MINUTES = "minutes"
    SUBSTITUTES = "substitutes"
    COOPTED = "coopted"
    PRESENTER = "presenter"
    PROPOSAL = "proposal"
    ABSENT = "absent"
    REFER_BACK = "refer_back"
    NOTE = "note"
    ADJUSTER = "adjuster"
    CASE_NUMBER = "case_number"
    CORRECTION = "correction"
    JUSTERA = "justera"
    REQUEST_CHANGE = "request_change"


@dataclass(frozen=True)
class Help:
    topic: Subcommand | None = None
    subcommand: ClassVar[Subcommand] = Subcommand.HELP


@dataclass(frozen=True)
class NewProject:
    name: str
    subcommand: ClassVar[Subcommand] = Subcommand.NEW


@dataclass(frozen=True)
class Status:
    subcommand: ClassVar[Subcommand] = Subcommand.STATUS


@dataclass(frozen=True)
class Mine:
    subcommand: ClassVar[Subcommand] = Subcommand.MINE


@dataclass(frozen=True)
class SetOwner:
    activity: str
    user_id: str
    subcommand: ClassVar[Subcommand] = Subcommand.OWNER


@dataclass(frozen=True)
class SetDue:
    activity: str
    due: date
    subcommand: ClassVar[Subcommand] = Subcommand.DUE


@dataclass(frozen=True)
class MarkDone:
    activity: str
    comment: str | None = None
    subcommand: ClassVar[Subcommand] = Subcommand.DONE


@dataclass(frozen=True)
class MarkDoing:
    activity: str
    comment: str | None = None
    subcommand: ClassVar[Subcommand] = Subcommand.DOING


@dataclass(frozen=True)
class MarkBlocked:
    activity: str
    reason: str
    subcommand: ClassVar[Subcommand] = Subcommand.BLOCKED


@dataclass(frozen=True)
class MarkNotApplicable:
    activity: str
    reason: str
    subcommand: ClassVar[Subcommand] = Subcommand.NA


@dataclass(frozen=True)
class LinkDocument:
    document: str
    url: str
    subcommand: ClassVar[Subcommand] = Subcommand.DOC


@dataclass(frozen=True)
class SetSteering:
    user_ids: tuple[str, ...]
    subcommand: ClassVar[Subcommand] = Subcommand.STEERING


@dataclass(frozen=True)
class SetChair:
    user_id: str
    subcommand: ClassVar[Subcommand] = Subcommand.CHAIR


@dataclass(frozen=True)
class SetVoteChannel:
    channel_id: str
    subcommand: ClassVar[Subcommand] = Subcommand.VOTE_CHANNEL


@dataclass(frozen=True)
class SetChannels:
    channel_ids: tuple[str, ...]
    subcommand: ClassVar[Subcommand] = Subcommand.CHANNELS


@dataclass(frozen=True)
class SetSchedule:
    when: str
    subcommand: ClassVar[Subcommand] = Subcommand.SCHEDULE


@dataclass(frozen=True)
class Remind:
    subcommand: ClassVar[Subcommand] = Subcommand.REMIND


@dataclass(frozen=True)
class LocalDeadline:
    """A wall-clock date and time as typed; the service reads it in Europe/Stockholm."""

    day: date
    at: time


@dataclass(frozen=True)
class Milestone:
    deadline: LocalDeadline | None = None
    subcommand: ClassVar[Subcommand] = Subcommand.MILESTONE


@dataclass(frozen=True)
class DeclareConflict:
    """`jäv [grund] [motivering]`: one's own jäv. The ground is a `JavGround` value or None."""

    ground: str | None = None
    motivation: str = ""
    subcommand: ClassVar[Subcommand] = Subcommand.CONFLICT


@dataclass(frozen=True)
class RaiseConflict:
    """`jäv @x <grund> <motivering>`: jäv raised about another member, for the chair to rule."""

    user_id: str
    ground: str
    motivation: str
    subcommand: ClassVar[Subcommand] = Subcommand.CONFLICT


@dataclass(frozen=True)
class SetSubstitutes:
    user_ids: tuple[str, ...]
    subcommand: ClassVar[Subcommand] = Subcommand.SUBSTITUTES


@dataclass(frozen=True)
class SetCoopted:
    user_ids: tuple[str, ...]
    subcommand: ClassVar[Subcommand] = Subcommand.COOPTED


@dataclass(frozen=True)
class SetPresenter:
    user_id: str
    subcommand: ClassVar[Subcommand] = Subcommand.PRESENTER


@dataclass(frozen=True)
class SetProposal:
    text: str
    subcommand: ClassVar[Subcommand] = Subcommand.PROPOSAL


@dataclass(frozen=True)
class ReportAbsence:
    subcommand: ClassVar[Subcommand] = Subcommand.ABSENT


@dataclass(frozen=True)
class ReferBack:
    motivation: str
    subcommand: ClassVar[Subcommand] = Subcommand.REFER_BACK


@dataclass(frozen=True)
class AddNote:
    text: str
    subcommand: ClassVar[Subcommand] = Subcommand.NOTE


@dataclass(frozen=True)
class SetAdjuster:
    user_id: str
    subcommand: ClassVar[Subcommand] = Subcommand.ADJUSTER


@dataclass(frozen=True)
class SetCaseNumber:
    number: str
    subcommand: ClassVar[Subcommand] = Subcommand.CASE_NUMBER


@dataclass(frozen=True)
class AddCorrection:
    text: str
    subcommand: ClassVar[Subcommand] = Subcommand.CORRECTION


@dataclass(frozen=True)
class Justera:
    """*Justera* written: the record of the project in this channel, or the one waiting."""

    subcommand: ClassVar[Subcommand] = Subcommand.JUSTERA


@dataclass(frozen=True)
class RequestChange:
    """*Begär ändring…* written: what is wrong in the record, for the projektledare."""

    text: str
    subcommand: ClassVar[Subcommand] = Subcommand.REQUEST_CHANGE


@dataclass(frozen=True)
class CloseVote:
    subcommand: ClassVar[Subcommand] = Subcommand.CLOSE


@dataclass(frozen=True)
class Minutes:
    subcommand: ClassVar[Subcommand] = Subcommand.MINUTES


Command = (
    Help
    | NewProject
    | Status
    | Mine
    | SetOwner
    | SetDue
    | MarkDone
    | MarkDoing
    | MarkBlocked
    | MarkNotApplicable
    | LinkDocument
    | SetSteering
    | SetChair
    | SetVoteChannel
    | SetChannels
    | SetSchedule
    | Remind
    | Milestone
    | DeclareConflict
    | CloseVote
    | Minutes
    | RaiseConflict
    | SetSubstitutes
    | SetCoopted
    | SetPresenter
    | SetProposal
    | ReportAbsence
    | ReferBack
    | AddNote
    | SetAdjuster
    | SetCaseNumber
    | AddCorrection
    | Justera
    | RequestChange
)
