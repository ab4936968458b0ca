"""The record's Matrix deliveries: the justering message to the chair and the justerare,
Begär ändring to the projektledare (both in the person's direct room) and the anslag, a reply
in each announcement's thread when the record is justerat.

Matrix has no buttons: the justering message says what to react or write instead (✅ on it,
or `!forvaltning justera` / `ändring <text>`), which the listener turns into the same use cases
Slack's *Justera* and *Begär ändring…* run.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import messages
from bot.domain.minutes import Minutes
from bot.matrix.rooms import DEFAULT_LANGUAGE
from bot.outbox import Attempt, Failed, Retry
from bot.services import justering
from bot.services import outbox_events as out
from messages.matrix import justering_hint

if TYPE_CHECKING:
    from bot.matrix.deliveries import MatrixOut

# An announcement still on its way is waited for this many attempts before the anslag is
# posted on its own in the room (as on Slack).
WAIT_FOR_ANNOUNCEMENT = 5


def _record(mx: MatrixOut, ref: out.RecordRef) -> Minutes:
    found = justering.record_of(mx.services, ref.vote)
    if found is None:
        raise Failed("the vote no longer exists")
    return found


def justering_request(mx: MatrixOut, attempt: Attempt) -> None:
    """The record and how to justera it, unless this version is past (corrected) or this
    person has justerat it since it was queued."""
    ref = attempt.payload(out.RecordRef)
    record = _record(mx, ref)
    if record.justering is None or not record.justering.waits_for(ref.version, attempt.target):
        return
    lang = mx.language(attempt.target)
    message = messages.justering_request(record, ref.vote, lang)
    mx.send(attempt, mx.notice(message, footer=justering_hint(lang)))


def change_request(mx: MatrixOut, attempt: Attempt) -> None:
    p = attempt.payload(out.ChangeRequest)
    record = _record(mx, out.RecordRef(p.vote, p.version))
    project = str(record.record.get("project", ""))
    lang = mx.language(attempt.target)
    mx.send(attempt, mx.notice(messages.change_requested(project, p.user, p.text, lang)))


def anslag(mx: MatrixOut, attempt: Attempt) -> None:
    """A reply in the announcement's thread (`m.thread`, with a reply fallback for clients
    without threads); on its own in the room if the announcement is not to be found."""
    ref = attempt.payload(out.RecordRef)
    record = _record(mx, ref)
    announced = mx.sent_with_key(
        attempt.target, f"{out.announcement_prefix(ref.vote)}{attempt.target}"
    )
    if announced is None and attempt.number < WAIT_FOR_ANNOUNCEMENT:
        raise Retry(5.0, "the announcement is not sent yet")
    thread = None
    if announced is not None:
        thread = {
            "rel_type": "m.thread",
            "event_id": announced,
            "is_falling_back": True,
            "m.in_reply_to": {"event_id": announced},
        }
    shown = mx.notice(messages.anslag(record, DEFAULT_LANGUAGE))
    # Like the announcement, an anslag must never come twice: always look first.
    mx.send(replace(attempt, in_doubt=True), shown, relates_to=thread)
