"""The record's Slack deliveries: the justering DM, Begär ändring to the projektledare, the
anslag (a reply under each announcement when the record is justerat), and the justerat record
as a PDF/A file in the project's channel."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import messages
from bot.domain.minutes import Minutes
from bot.outbox import Attempt, Failed, Retry
from bot.services import decisions, justering
from bot.services import outbox_events as out
from messages.pdf import PdfUnavailable, justerat_pdf

if TYPE_CHECKING:
    from bot.slack.deliveries import SlackOut

log = logging.getLogger(__name__)

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
    if record.justering is None or not record.justering.waits_for(ref.version, attempt.target):
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


def record_pdf(slack: SlackOut, attempt: Attempt) -> None:
    """The justerat version as a PDF/A file in the project's channel, by Slack's external
    upload (files_upload_v2: files.getUploadURLExternal, the bytes to its upload URL,
    files.completeUploadExternal with the channel and a comment).

    Once: a share cannot carry the outbox key as metadata, so a retry in doubt (the share may
    have gone through though its answer was lost) looks in the channel for the file by its
    name, which is this version's own (`Minutes.filename`), before it uploads again."""
    ref = attempt.payload(out.RecordRef)
    filed = decisions.justerat_version(slack.services, ref.vote, ref.version)
    if filed is None:
        raise Failed("that version of the record was never justerat")
    (record,) = filed.decisions
    filename = record.filename()

    def shares_it(message: dict[str, Any]) -> bool:
        return any(f.get("name") == filename for f in message.get("files") or [])

    if attempt.in_doubt and slack.found_in_history(attempt, shares_it) is not None:
        log.info("outbox %s: %s is in the channel already", attempt.key, filename)
        return
    organisation = slack.services.organisation or filed.team_id
    try:
        data = justerat_pdf(filed, organisation, CHANNEL_LANGUAGE)
    except PdfUnavailable as err:
        raise Failed(f"no PDF on this machine: {err}") from err
    attempt.posting()
    slack.client(attempt).files_upload_v2(
        channel=attempt.target,
        file=data,
        filename=filename,
        title=messages.record_file_title(record, CHANNEL_LANGUAGE),
        initial_comment=messages.record_filed(record, CHANNEL_LANGUAGE).text,
    )
