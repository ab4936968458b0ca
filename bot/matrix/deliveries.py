"""Matrix out: one delivery per outbox kind, registered into the same sender as Slack's.

Each renders its event through `messages` (Matrix's format) and sends it as an `m.notice` with a
transaction id derived from the outbox key, so a retried attempt is the one event it was. The
key also rides in the content, so an attempt in doubt (its answer lost, its process gone, its
device new) looks through the room's latest events first. A DM is the person's direct room.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Protocol, TypeVar

from mautrix.client import Client
from mautrix.types import EventType, PaginationDirection, RoomID

import messages
from bot.domain.decision import VoteView
from bot.domain.reminders import ReminderView, still_in_digest
from bot.matrix import record_deliveries
from bot.matrix.client import content as content_of
from bot.matrix.client import outcome, txn_id
from bot.matrix.rooms import DEFAULT_LANGUAGE, Rooms
from bot.outbox import Attempt, Delivery, Failed, Retry
from bot.services import decisions, jav, receipts, votes
from bot.services import outbox_events as out
from bot.services.context import Services
from bot.services.outbox_events import OutboxKind
from bot.services.reminders import reminder_view
from messages.matrix import (
    Notice,
    jav_ruling_hint,
    notice,
    owner_hint,
    reminder_hint,
    rooms_in,
    vote_hint,
)
from messages.pdf import PdfUnavailable, justerat_pdf

log = logging.getLogger(__name__)

KEY_FIELD = "se.forvaltningsbot.outbox_key"
LOOKBACK = 50
PDF_TYPE = "application/pdf"
OWN_PAGES = 10  # the bot's last 500 messages in a room
T = TypeVar("T")


class Connection(Protocol):
    """The adapter, as the deliveries see it: its client and rooms once it is logged in."""

    client: Client | None
    rooms: Rooms | None

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float = ...) -> T: ...


@dataclass(frozen=True)
class MatrixOut:
    services: Services
    connection: Connection

    @property
    def client(self) -> Client:
        if self.connection.client is None:
            raise Retry(5.0, "not connected to the homeserver yet")
        return self.connection.client

    @property
    def rooms(self) -> Rooms:
        if self.connection.rooms is None:
            raise Retry(5.0, "not connected to the homeserver yet")
        return self.connection.rooms

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.connection.call(coroutine)

    def language(self, user_id: str) -> str:
        return self.rooms.language(user_id)

    def notice(self, message: messages.Message, *, footer: str | None = None) -> Notice:
        """The message as a notice, each room it names shown by the room's name."""
        rooms_named = rooms_in(message)
        names = self.run(self.rooms.names(rooms_named)) if rooms_named else {}
        return notice(message, footer=footer, names=names)

    def room_of(self, target: str) -> RoomID:
        """A person's direct room, or the room itself."""
        if target.startswith("@"):
            return self.run(self.rooms.direct(target))
        return RoomID(target)

    def send(
        self,
        attempt: Attempt,
        shown: Notice,
        *,
        room: str | None = None,
        relates_to: Mapping[str, Any] | None = None,
    ) -> str:
        """Send the notice to `room` (default: the attempt's target), in relation `relates_to`
        to another event (a thread) if given; return its event id."""
        where = RoomID(room) if room else self.room_of(attempt.target)
        content: dict[str, Any] = {**shown.content(), KEY_FIELD: attempt.key}
        if relates_to is not None:
            content["m.relates_to"] = dict(relates_to)
        if attempt.in_doubt:
            found = self.run(self._sent_before(where, attempt.key))
            if found is not None:
                log.info("outbox %s was already sent; not sending it again", attempt.key)
                return str(found)
        attempt.posting()
        event = self.run(
            self.client.send_message_event(
                where, EventType.ROOM_MESSAGE, content_of(content), txn_id=txn_id(attempt.key)
            )
        )
        return str(event)

    def edit(self, attempt: Attempt, room: str, event_id: str, shown: Notice) -> None:
        """Replace the message `event_id` in place (`m.replace`), as the vote's tally changes."""
        new = shown.content()
        content = {
            **new,
            "body": "* " + new["body"],
            "m.new_content": new,
            "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
        }
        attempt.posting()
        self.run(
            self.client.send_message_event(
                RoomID(room),
                EventType.ROOM_MESSAGE,
                content_of(content),
                txn_id=txn_id(attempt.key),
            )
        )

    def sent_with_key(self, room: str, key: str) -> str | None:
        """The event id of the bot's own message carrying `key` in the room, looking further
        back than a retry does (an anslag follows its announcement by days): the bot's own
        messages only, a bounded number of pages."""
        return self.run(self._sent_before(RoomID(room), key, pages=OWN_PAGES, own=True))

    async def _sent_before(
        self, room: RoomID, key: str, *, pages: int = 1, own: bool = False
    ) -> str | None:
        only = {"senders": [str(self.client.mxid)]} if own else None
        token = None
        for _ in range(pages):
            page = await self.client.get_messages(
                room,
                PaginationDirection.BACKWARD,
                from_token=token,
                limit=LOOKBACK,
                filter_json=only,
            )
            found = page._asdict()  # mautrix's NamedTuple is typed without its fields
            for event in found["events"]:
                content = getattr(event, "content", None)
                if content is not None and content.serialize().get(KEY_FIELD) == key:
                    return str(event.event_id)
            if not found["events"] or not found["end"]:
                return None
            token = found["end"]
        return None


def owner_assigned(mx: MatrixOut, attempt: Attempt) -> None:
    p = attempt.payload(out.OwnerAssigned)
    activity = mx.services.phase(p.phase).activity(p.activity)
    lang = mx.language(attempt.target)
    message = messages.owner_assigned(activity, p.project, p.channel, p.due, p.by, lang)
    mx.send(attempt, mx.notice(message, footer=owner_hint(lang)))


def home_refresh(mx: MatrixOut, attempt: Attempt) -> None:
    """Matrix has no Home tab: `!forvaltning mina` shows the same list."""


def _view(mx: MatrixOut, attempt: Attempt, ids: tuple[int, ...]) -> ReminderView | None:
    return reminder_view(mx.services, attempt.team_id, ids, mx.services.clock())


def reminder(mx: MatrixOut, attempt: Attempt) -> None:
    listed = attempt.payload(out.ActivityList)
    view = _view(mx, attempt, listed.activities)
    if view is None or not view.open_items:
        return
    lang = mx.language(attempt.target)
    message = messages.reminder(view, lang, snoozed_only=listed.snoozed)
    mx.send(attempt, mx.notice(message, footer=reminder_hint(lang)))


def reminder_update(mx: MatrixOut, attempt: Attempt) -> None:
    """Reminders carry no buttons on Matrix, so there is nothing to redraw."""


def digest(mx: MatrixOut, attempt: Attempt) -> None:
    view = _view(mx, attempt, attempt.payload(out.ActivityList).activities)
    if view is None:
        return
    still = still_in_digest(view.items, mx.services.today(mx.services.clock()))
    if still:
        mx.send(attempt, mx.notice(messages.digest(replace(view, items=still), DEFAULT_LANGUAGE)))


def escalation(mx: MatrixOut, attempt: Attempt) -> None:
    view = _view(mx, attempt, attempt.payload(out.ActivityList).activities)
    if view is None or not view.open_items:
        return
    message = messages.escalation(view, view.open_items[0], mx.language(attempt.target))
    mx.send(attempt, mx.notice(message))


def _vote(mx: MatrixOut, vote_id: int) -> VoteView:
    view = votes.vote_view(mx.services, vote_id)
    if view is None:
        raise Failed("the vote no longer exists")
    return view


def _vote_notice(mx: MatrixOut, view: VoteView) -> Notice:
    message = messages.vote_message(view, DEFAULT_LANGUAGE)
    return mx.notice(message, footer=vote_hint(DEFAULT_LANGUAGE) if view.is_open else None)


def vote_message(mx: MatrixOut, attempt: Attempt) -> None:
    view = _vote(mx, attempt.payload(out.VoteRef).vote)
    event_id = mx.send(attempt, _vote_notice(mx, view))
    votes.message_posted(mx.services, view.vote_id, event_id)


def vote_update(mx: MatrixOut, attempt: Attempt) -> None:
    view = _vote(mx, attempt.payload(out.VoteRef).vote)
    if view.message_ts is None:
        raise Retry(2.0, "the vote message is not sent yet")
    mx.edit(attempt, view.channel_id, view.message_ts, _vote_notice(mx, view))


def vote_receipt(mx: MatrixOut, attempt: Attempt) -> None:
    p = attempt.payload(out.VoteReceipt)
    found = receipts.receipt(mx.services, p.vote, attempt.target, p.choice)
    if found is None:
        raise Failed("the vote no longer exists")
    if found.choice is None:
        return
    message = messages.vote_receipt(
        found.subject, found.choice, True, False, mx.language(attempt.target)
    )
    mx.send(attempt, mx.notice(message))


def vote_reminder(mx: MatrixOut, attempt: Attempt) -> None:
    view = _vote(mx, attempt.payload(out.VoteRef).vote)
    if not view.is_open or attempt.target not in view.tally.not_voted:
        return
    mx.send(attempt, mx.notice(messages.vote_reminder(view, mx.language(attempt.target))))


def _link(view: VoteView) -> str | None:
    if not view.message_ts:
        return None
    return f"https://matrix.to/#/{view.channel_id}/{view.message_ts}"


def announcement(mx: MatrixOut, attempt: Attempt) -> None:
    view = _vote(mx, attempt.payload(out.VoteRef).vote)
    message = messages.announcement(view, _link(view), DEFAULT_LANGUAGE)
    # Announcements must never come twice: always look first, as Slack's does.
    mx.send(replace(attempt, in_doubt=True), mx.notice(message))


def reservation(mx: MatrixOut, attempt: Attempt) -> None:
    p = attempt.payload(out.ReservationPosted)
    mx.send(attempt, mx.notice(messages.reservation_posted(p.user, p.reason, DEFAULT_LANGUAGE)))


def jav_ruling(mx: MatrixOut, attempt: Attempt) -> None:
    """The one who rules on a raised jäv is asked in the direct room, to react ✅ or ❌."""
    question = attempt.payload(out.JavRuling).question
    found = jav.pending_question(mx.services, question)
    if found is None:
        return  # ruled, or the vote closed, since this was queued
    view, raised = found
    lang = mx.language(attempt.target)
    message = messages.jav_ruling_request(view, raised, question, lang)
    mx.send(attempt, mx.notice(message, footer=jav_ruling_hint(lang)))


def delivery_failed(mx: MatrixOut, attempt: Attempt) -> None:
    p = attempt.payload(out.DeliveryFailed)
    view = _vote(mx, p.vote)
    lang = mx.language(attempt.target)
    message = messages.delivery_failed(
        view,
        p.channel,
        p.private,
        p.error,
        lang,
        vote_message=p.vote_message,
        invite=f"/invite {mx.client.mxid}",  # Element's command, with the bot's Matrix id
    )
    mx.send(attempt, mx.notice(message))


def record_pdf(mx: MatrixOut, attempt: Attempt) -> None:
    """The justerat record as a PDF/A `m.file` in the project's room, its bytes in the media
    repository; the outbox key rides in the content, so an attempt in doubt looks first."""
    where = RoomID(attempt.target)
    if attempt.in_doubt and mx.run(mx._sent_before(where, attempt.key)) is not None:
        return
    ref = attempt.payload(out.RecordRef)
    filed = decisions.justerat_version(mx.services, ref.vote, ref.version)
    if filed is None:
        raise Failed("that version of the record was never justerat")
    try:
        data = justerat_pdf(filed, mx.services.organisation or filed.team_id, DEFAULT_LANGUAGE)
    except PdfUnavailable as err:
        raise Failed(f"no PDF on this machine: {err}") from err
    name = filed.decisions[0].filename()
    url = mx.run(mx.client.upload_media(data, PDF_TYPE, name, len(data)))
    info = {"mimetype": PDF_TYPE, "size": len(data)}
    content = {"msgtype": "m.file", "body": name, "url": str(url), "info": info}
    attempt.posting()
    mx.run(
        mx.client.send_message_event(
            where,
            EventType.ROOM_MESSAGE,
            content_of({**content, KEY_FIELD: attempt.key}),
            txn_id=txn_id(attempt.key),
        )
    )


BY_KIND: Mapping[OutboxKind, Callable[[MatrixOut, Attempt], None]] = {
    OutboxKind.OWNER_ASSIGNED: owner_assigned,
    OutboxKind.HOME_REFRESH: home_refresh,
    OutboxKind.REMINDER: reminder,
    OutboxKind.REMINDER_UPDATE: reminder_update,
    OutboxKind.DIGEST: digest,
    OutboxKind.ESCALATION: escalation,
    OutboxKind.VOTE_MESSAGE: vote_message,
    OutboxKind.VOTE_UPDATE: vote_update,
    OutboxKind.VOTE_RECEIPT: vote_receipt,
    OutboxKind.VOTE_REMINDER: vote_reminder,
    OutboxKind.ANNOUNCEMENT: announcement,
    OutboxKind.RESERVATION: reservation,
    OutboxKind.DELIVERY_FAILED: delivery_failed,
    OutboxKind.JAV_RULING: jav_ruling,
    OutboxKind.JUSTERING: record_deliveries.justering_request,
    OutboxKind.CHANGE_REQUEST: record_deliveries.change_request,
    OutboxKind.ANSLAG: record_deliveries.anslag,
    OutboxKind.RECORD_PDF: record_pdf,
}


def matrix_deliveries(services: Services, connection: Connection) -> dict[OutboxKind, Delivery]:
    mx = MatrixOut(services, connection)
    return {kind: translated(partial(deliver, mx)) for kind, deliver in BY_KIND.items()}


def translated(deliver: Delivery) -> Delivery:
    """`deliver`, with the homeserver's errors turned into the sender's outcomes."""

    def delivery(attempt: Attempt) -> None:
        try:
            deliver(attempt)
        except (Retry, Failed):
            raise
        except Exception as err:
            raise outcome(err) from err

    return delivery
