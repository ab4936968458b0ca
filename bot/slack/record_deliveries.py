"""The record's Slack deliveries: the justering DM, Begär ändring to the projektledare, and
the anslag (a reply under each announcement when the record is justerat)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import messages
from bot.domain.minutes import Minutes
from bot.outbox import Attempt, Failed, Retry
from bot.services import justering
from bot.services import outbox_events as out

if TYPE_CHECKING:
    from bot.slack.deliveries import SlackOut

CHANNEL_LANGUAGE = "sv"  # as every channel message (bot.slack.deliveries)
# An announcement still on its way is waited for this many attempts before the anslag is
# posted on its own in the channel.
WAIT_FOR_ANNOUNCEMENT = 5


def _record(slack: SlackOut, ref: out.RecordRef) -> Minutes:
    found = justering.record_of(slack.services, ref.vote)
    if found is None:
        raise Failed("the vote no longer exists")
    return found


def justering_request(slack: SlackOut, attempt: Attempt) -> None:
    """The record with Justera / Begär ändring…, unless this version is past (corrected) or
    this person has justerat it since it was queued."""
    ref = attempt.payload(out.RecordRef)
    record = _record(slack, ref)
    j = record.justering
    if j is None or j.version != ref.version or attempt.target not in j.waiting:
        return
    slack.post(attempt, messages.justering_request(record, ref.vote, slack.language(attempt)))


def change_request(slack: SlackOut, attempt: Attempt) -> None:
    p = attempt.payload(out.ChangeRequest)
    record = _record(slack, out.RecordRef(p.vote, p.version))
    project = str(record.record.get("project", ""))
    slack.post(attempt, messages.change_requested(project, p.user, p.text, slack.language(attempt)))


def anslag(slack: SlackOut, attempt: Attempt) -> None:
    ref = attempt.payload(out.RecordRef)
    record = _record(slack, ref)
    announced = f"{out.announcement_prefix(ref.vote)}{attempt.target}"
    ts = slack.posted_with_key(replace(attempt, key=announced))
    if ts is None and attempt.number < WAIT_FOR_ANNOUNCEMENT:
        raise Retry(5.0, "the announcement is not posted yet")
    slack.post(attempt, messages.anslag(record, CHANNEL_LANGUAGE), thread_ts=ts)
