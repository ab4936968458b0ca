"""What Slack is told when a listener fails: a private note with a reference, never a 500.

A listener that raises is a bug (its transaction rolled back), and the traceback goes to the
log with a reference. Slack shows a 500 as a bare "the app did not respond", so the person is
told privately instead, with the reference that finds the log line: under the dialog's first
field, in the command's reply, or through the click's response URL. An event keeps Bolt's 500,
so that Slack delivers it again (its event_id was forgotten for that).
"""

from __future__ import annotations

import html
import logging
import uuid
from typing import Any

from slack_bolt import BoltContext, BoltResponse
from slack_sdk import WebClient

from bot.slack.locale import Locales
from messages import internal_error
from messages.i18n import DEFAULT_LANGUAGE

log = logging.getLogger(__name__)

ERROR_TEXT_MAX = 150  # what Slack shows under a dialog's field


def answer(
    error: Exception, body: dict[str, Any], context: BoltContext, locales: Locales
) -> BoltResponse | None:
    """The reply for a failed listener; None keeps Bolt's 500."""
    reference = uuid.uuid4().hex[:8]
    kind = body.get("type")
    log.error(
        "unhandled error in a listener (type=%s), reference %s", kind, reference, exc_info=error
    )
    if kind == "event_callback":
        return None
    message = internal_error(reference, _language(context, locales))
    if kind == "view_submission":
        return BoltResponse(status=200, body=_in_dialog(body, message.text, message.blocks))
    if "command" in body:
        return BoltResponse(status=200, body={"response_type": "ephemeral", **message.as_kwargs()})
    respond = context.respond
    if respond is not None:
        try:
            respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())
        except Exception as exc:  # the note is a courtesy; the failure is logged above
            log.warning("could not tell of reference %s: %s", reference, type(exc).__name__)
    return BoltResponse(status=200, body="")


def _language(context: BoltContext, locales: Locales) -> str:
    client: WebClient | None = context.client
    if client is None or not context.team_id or not context.user_id:
        return DEFAULT_LANGUAGE
    return locales.language(client, context.team_id, context.user_id)


def _in_dialog(body: dict[str, Any], text: str, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """Under the dialog's first field, so what was typed stays; else the dialog says it."""
    view = body.get("view") or {}
    given = [b for b in view.get("blocks") or [] if isinstance(b, dict)]
    inputs = [b for b in given if b.get("type") == "input" and isinstance(b.get("block_id"), str)]
    if inputs:
        # Slack shows a dialog's error as plain text: the mrkdwn escapes are undone.
        plain = html.unescape(text)[:ERROR_TEXT_MAX]
        return {"response_action": "errors", "errors": {inputs[0]["block_id"]: plain}}
    title = {"type": "plain_text", "text": "Förvaltningsbot"}
    return {
        "response_action": "update",
        "view": {"type": "modal", "title": title, "blocks": blocks},
    }
