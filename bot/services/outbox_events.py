"""What the outbox carries: for each kind one frozen payload type and one builder of the event.

A service queues an `Outgoing` made by the builder of its kind, which alone writes that kind's
key; a delivery reads the payload back with `payload_of`, typed. The payload types keep the
field names the stored events already have, so events queued before an upgrade still decode.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from bot.domain.decision import CONFLICT

PENDING_SUFFIX = ":pending"


class OutboxKind(StrEnum):
    OWNER_ASSIGNED = "owner_assigned"
    HOME_REFRESH = "home_refresh"
    REMINDER = "reminder"
    REMINDER_UPDATE = "reminder_update"
    ESCALATION = "escalation"
    DIGEST = "digest"
    VOTE_MESSAGE = "vote_message"
    VOTE_UPDATE = "vote_update"
    VOTE_RECEIPT = "vote_receipt"
    VOTE_REMINDER = "vote_reminder"
    ANNOUNCEMENT = "announcement"
    RESERVATION = "reservation"
    DELIVERY_FAILED = "delivery_failed"
    JAV_RULING = "jav_ruling"
    JUSTERING = "justering"  # the record, with Justera / Begär ändring…, to one who justerar
    CHANGE_REQUEST = "change_request"  # Begär ändring: what to correct, to the projektledare
    ANSLAG = "anslag"  # the record is justerat: a reply in an announcement's thread
    RECORD_PDF = "record_pdf"  # the justerat record as a PDF/A file in the project's channel


# What the projektledare is told of when it will not arrive (bot.services.delivery), and is
# sent again once the bot is invited where it could not post (decisions.bot_invited).
TOLD_WHEN_UNDELIVERED = frozenset({OutboxKind.ANNOUNCEMENT, OutboxKind.VOTE_MESSAGE})

# Kinds that post or edit a message in `target` (a channel, or a user for a DM), which Slack
# limits to about one a second per channel.
PACED = frozenset(
    {
        OutboxKind.OWNER_ASSIGNED,
        OutboxKind.REMINDER,
        OutboxKind.ESCALATION,
        OutboxKind.DIGEST,
        OutboxKind.VOTE_MESSAGE,
        OutboxKind.VOTE_UPDATE,
        OutboxKind.VOTE_REMINDER,
        OutboxKind.ANNOUNCEMENT,
        OutboxKind.RESERVATION,
        OutboxKind.DELIVERY_FAILED,
        OutboxKind.JAV_RULING,
        OutboxKind.JUSTERING,
        OutboxKind.CHANGE_REQUEST,
        OutboxKind.ANSLAG,
        OutboxKind.RECORD_PDF,
    }
)


@dataclass(frozen=True, slots=True)
class OwnerAssigned:
    project: str
    channel: str
    phase: str
    activity: str
    due: str | None
    by: str


@dataclass(frozen=True, slots=True)
class HomeRefresh:
    pass


@dataclass(frozen=True, slots=True)
class ActivityList:
    """A reminder, digest or escalation: the activities it lists, rendered as they are when
    sent. `snoozed`: a reminder of one activity whose Skjut upp has run out."""

    activities: tuple[int, ...]
    snoozed: bool = False


@dataclass(frozen=True, slots=True)
class ReminderUpdate:
    """Redraw the reminder DM `ts` in channel `target` for `reader`."""

    ts: str
    activities: tuple[int, ...]
    reader: str


@dataclass(frozen=True, slots=True)
class VoteRef:
    vote: int


@dataclass(frozen=True, slots=True)
class VoteReceipt:
    vote: int
    choice: str


@dataclass(frozen=True, slots=True)
class ReservationPosted:
    vote: int
    user: str
    reason: str


@dataclass(frozen=True, slots=True)
class DeliveryFailed:
    vote: int
    channel: str
    private: bool
    error: str
    # The vote message itself did not arrive (else: an announcement of the decision).
    vote_message: bool = False


@dataclass(frozen=True, slots=True)
class JavRuling:
    """Ask the one who rules on the raised jäv `question` for Jävig / Inte jävig."""

    question: int


@dataclass(frozen=True, slots=True)
class RecordRef:
    """One version of a closed vote's record."""

    vote: int
    version: int


@dataclass(frozen=True, slots=True)
class ChangeRequest:
    vote: int
    version: int
    user: str
    text: str


Payload = (
    OwnerAssigned
    | HomeRefresh
    | ActivityList
    | ReminderUpdate
    | VoteRef
    | VoteReceipt
    | ReservationPosted
    | DeliveryFailed
    | JavRuling
    | RecordRef
    | ChangeRequest
)

PAYLOAD_OF: Mapping[OutboxKind, type[Payload]] = {
    OutboxKind.OWNER_ASSIGNED: OwnerAssigned,
    OutboxKind.HOME_REFRESH: HomeRefresh,
    OutboxKind.REMINDER: ActivityList,
    OutboxKind.REMINDER_UPDATE: ReminderUpdate,
    OutboxKind.ESCALATION: ActivityList,
    OutboxKind.DIGEST: ActivityList,
    OutboxKind.VOTE_MESSAGE: VoteRef,
    OutboxKind.VOTE_UPDATE: VoteRef,
    OutboxKind.VOTE_RECEIPT: VoteReceipt,
    OutboxKind.VOTE_REMINDER: VoteRef,
    OutboxKind.ANNOUNCEMENT: VoteRef,
    OutboxKind.RESERVATION: ReservationPosted,
    OutboxKind.DELIVERY_FAILED: DeliveryFailed,
    OutboxKind.JAV_RULING: JavRuling,
    OutboxKind.JUSTERING: RecordRef,
    OutboxKind.CHANGE_REQUEST: ChangeRequest,
    OutboxKind.ANSLAG: RecordRef,
    OutboxKind.RECORD_PDF: RecordRef,
}


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One event to queue: made only by the builders below."""

    kind: OutboxKind
    key: str
    team_id: str
    target: str
    payload: Payload

    def row(self) -> dict[str, Any]:
        """The columns storage writes (the payload as JSON-ready values)."""
        return {
            "key": self.key,
            "team_id": self.team_id,
            "kind": self.kind.value,
            "target": self.target,
            "payload": asdict(self.payload),
        }


P = TypeVar("P", bound=Payload)


class PayloadError(ValueError):
    """A stored payload that does not fit its kind (hand-edited, or from a future version)."""


def payload_of(kind: str, data: Mapping[str, Any], expected: type[P]) -> P:
    """The typed payload of a stored event; PayloadError if it is not of `expected`'s shape."""
    try:
        declared = PAYLOAD_OF[OutboxKind(kind)]
    except ValueError as err:
        raise PayloadError(f"unknown outbox kind {kind!r}") from err
    if declared is not expected:
        raise PayloadError(f"{kind} carries {declared.__name__}, not {expected.__name__}")
    values: dict[str, Any] = {}
    for field in fields(expected):
        if field.name in data:
            value = data[field.name]
            values[field.name] = tuple(value) if isinstance(value, list) else value
    try:
        return expected(**values)
    except TypeError as err:
        raise PayloadError(f"{kind}: {err}") from err


def is_coalesced(key: str) -> bool:
    """A pending refresh that more changes fold into until the sender takes it."""
    return key.endswith(PENDING_SUFFIX)


def taken_key(key: str, event_id: int) -> str:
    """The key a taken coalesced event gets, so that the next change queues a new one."""
    return f"{key}:{event_id}"


# The builders: one per kind, the only place its key is written.


def owner_assigned(
    team_id: str, owner: str, activity_id: int, change: int, payload: OwnerAssigned
) -> Outgoing:
    key = f"{OutboxKind.OWNER_ASSIGNED}:{activity_id}:{change}"
    return Outgoing(OutboxKind.OWNER_ASSIGNED, key, team_id, owner, payload)


def home_refresh(team_id: str, user_id: str) -> Outgoing:
    """One pending Home refresh per person: while it waits, more changes add nothing, and the
    sender renames it when it takes it, rendering the activities as they are then."""
    key = f"{OutboxKind.HOME_REFRESH}:{team_id}:{user_id}{PENDING_SUFFIX}"
    return Outgoing(OutboxKind.HOME_REFRESH, key, team_id, user_id, HomeRefresh())


def reminder(
    team_id: str,
    project_id: int,
    owner: str,
    occasion: str,
    activities: Sequence[int],
    *,
    snoozed: bool = False,
) -> Outgoing:
    """One reminder per owner and occasion (a schedule's run, a `påminn` minute, a snooze)."""
    key = f"{OutboxKind.REMINDER}:{project_id}:{owner}:{occasion}"
    payload = ActivityList(tuple(activities), snoozed=snoozed)
    return Outgoing(OutboxKind.REMINDER, key, team_id, owner, payload)


def reminder_update(
    team_id: str, channel: str, ts: str, activities: Sequence[int], reader: str, occasion: str
) -> Outgoing:
    key = f"{OutboxKind.REMINDER_UPDATE}:{channel}:{ts}:{occasion}"
    payload = ReminderUpdate(ts, tuple(activities), reader)
    return Outgoing(OutboxKind.REMINDER_UPDATE, key, team_id, channel, payload)


def digest(
    team_id: str, project_id: int, channel: str, occasion: str, activities: Sequence[int]
) -> Outgoing:
    key = f"{OutboxKind.DIGEST}:{project_id}:{occasion}"
    return Outgoing(OutboxKind.DIGEST, key, team_id, channel, ActivityList(tuple(activities)))


def escalation(team_id: str, lead: str, activity_id: int, due: date) -> Outgoing:
    """Once per activity and due date: a new due date can escalate again."""
    key = f"{OutboxKind.ESCALATION}:{activity_id}:{due.isoformat()}"
    return Outgoing(OutboxKind.ESCALATION, key, team_id, lead, ActivityList((activity_id,)))


def vote_message(team_id: str, vote_id: int, channel: str) -> Outgoing:
    key = f"{OutboxKind.VOTE_MESSAGE}:{vote_id}"
    return Outgoing(OutboxKind.VOTE_MESSAGE, key, team_id, channel, VoteRef(vote_id))


def vote_update(team_id: str, vote_id: int, channel: str, *, final: bool = False) -> Outgoing:
    """A redraw of the vote message. While one is pending, more clicks add nothing (the sender
    renders the state as it is when it takes it); the final redraw after the close is its own."""
    suffix = ":final" if final else PENDING_SUFFIX
    key = f"{OutboxKind.VOTE_UPDATE}:{vote_id}{suffix}"
    return Outgoing(OutboxKind.VOTE_UPDATE, key, team_id, channel, VoteRef(vote_id))


def ballot_receipt(team_id: str, vote_id: int, voter: str, choice: str) -> Outgoing:
    """One pending receipt per voter and vote: clicks made while it waits fold into it, and
    the sender confirms the ballot as stored when it takes it (receipts.receipt). A voter who
    changes their mind three times in a busy workspace is told their last choice once, not
    three stale ones trickling out at the workspace's pace."""
    key = f"{OutboxKind.VOTE_RECEIPT}:{vote_id}:{voter}{PENDING_SUFFIX}"
    return Outgoing(OutboxKind.VOTE_RECEIPT, key, team_id, voter, VoteReceipt(vote_id, choice))


def jav_receipt(team_id: str, vote_id: int, voter: str, change: int) -> Outgoing:
    """The receipt of a jäv declared in the dialog: one per declaration (its audit entry)."""
    key = f"{OutboxKind.VOTE_RECEIPT}:{vote_id}:{voter}:{change}"
    return Outgoing(OutboxKind.VOTE_RECEIPT, key, team_id, voter, VoteReceipt(vote_id, CONFLICT))


def vote_reminder(team_id: str, vote_id: int, member: str) -> Outgoing:
    key = f"{OutboxKind.VOTE_REMINDER}:{vote_id}:{member}"
    return Outgoing(OutboxKind.VOTE_REMINDER, key, team_id, member, VoteRef(vote_id))


def announcement_prefix(vote_id: int) -> str:
    """What every announcement of one decision's key starts with (to find those that failed)."""
    return f"{OutboxKind.ANNOUNCEMENT}:{vote_id}:"


def announcement(team_id: str, vote_id: int, channel: str) -> Outgoing:
    """One announcement per vote and channel: the outbox key makes a second one impossible."""
    key = f"{announcement_prefix(vote_id)}{channel}"
    return Outgoing(OutboxKind.ANNOUNCEMENT, key, team_id, channel, VoteRef(vote_id))


def reservation(team_id: str, vote_id: int, channel: str, user: str, reason: str) -> Outgoing:
    key = f"{OutboxKind.RESERVATION}:{vote_id}:{user}"
    payload = ReservationPosted(vote_id, user, reason)
    return Outgoing(OutboxKind.RESERVATION, key, team_id, channel, payload)


def delivery_failed(
    team_id: str, lead: str, failed_key: str, attempts: int, payload: DeliveryFailed
) -> Outgoing:
    """The projektledare hears once per failed event that an announcement will not arrive."""
    key = f"{OutboxKind.DELIVERY_FAILED}:{failed_key}:{attempts}"
    return Outgoing(OutboxKind.DELIVERY_FAILED, key, team_id, lead, payload)


def jav_ruling(team_id: str, question_id: int, ruler: str) -> Outgoing:
    """One DM per raised jäv to the one who rules on it."""
    key = f"{OutboxKind.JAV_RULING}:{question_id}:{ruler}"
    return Outgoing(OutboxKind.JAV_RULING, key, team_id, ruler, JavRuling(question_id))


def justering(team_id: str, vote_id: int, version: int, user: str) -> Outgoing:
    """One DM per version of the record to each who justerar it (a reminder is its own)."""
    key = f"{OutboxKind.JUSTERING}:{vote_id}:{version}:{user}"
    return Outgoing(OutboxKind.JUSTERING, key, team_id, user, RecordRef(vote_id, version))


def justering_reminder(team_id: str, vote_id: int, version: int, user: str) -> Outgoing:
    key = f"{OutboxKind.JUSTERING}:{vote_id}:{version}:{user}:reminder"
    return Outgoing(OutboxKind.JUSTERING, key, team_id, user, RecordRef(vote_id, version))


def id_in_key(kind: OutboxKind, key: str) -> int | None:
    """The first id in an event's key (the vote of a justering message, the question of a
    ruling request), for a platform whose messages carry their key but no buttons; None if
    the key is not of that kind."""
    head, _, rest = key.partition(":")
    first = rest.partition(":")[0]
    return int(first) if head == kind.value and first.isdigit() else None


def change_request(
    team_id: str, lead: str, vote_id: int, version: int, user: str, text: str, seq: int
) -> Outgoing:
    key = f"{OutboxKind.CHANGE_REQUEST}:{vote_id}:{version}:{user}:{seq}"
    payload = ChangeRequest(vote_id, version, user, text)
    return Outgoing(OutboxKind.CHANGE_REQUEST, key, team_id, lead, payload)


def anslag(team_id: str, vote_id: int, version: int, channel: str) -> Outgoing:
    """When a version is justerat: one reply per announcement, under it."""
    key = f"{OutboxKind.ANSLAG}:{vote_id}:{version}:{channel}"
    return Outgoing(OutboxKind.ANSLAG, key, team_id, channel, RecordRef(vote_id, version))


def record_pdf(team_id: str, vote_id: int, version: int, channel: str) -> Outgoing:
    """When a version is justerat: that version as one PDF/A file in the project's channel."""
    key = f"{OutboxKind.RECORD_PDF}:{vote_id}:{version}"
    return Outgoing(OutboxKind.RECORD_PDF, key, team_id, channel, RecordRef(vote_id, version))
