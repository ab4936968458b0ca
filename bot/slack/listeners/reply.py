"""How a listener answers: privately by default, and never with a stack trace."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from bot.domain.errors import DomainError
from bot.services.replays import Replayed
from messages import error_message, internal_error
from messages.message import Message

log = logging.getLogger(__name__)

Ack = Callable[..., Any]


def ephemeral(message: Message) -> dict[str, Any]:
    return {"response_type": "ephemeral", **message.as_kwargs()}


def in_channel(message: Message) -> dict[str, Any]:
    return {"response_type": "in_channel", **message.as_kwargs()}


def failure(error: Exception, lang: str) -> Message:
    """What the person is told when their request failed: the rule that refused it, or, for a
    failure nobody expected, a reference that finds the logged stack trace.

    The work runs in one transaction, so whatever went wrong, nothing was changed.
    """
    if isinstance(error, DomainError):
        return error_message(error, lang)
    reference = uuid.uuid4().hex[:8]
    log.error("unexpected error, reference %s", reference, exc_info=error)
    return internal_error(reference, lang)


def answer(ack: Ack, lang: str, work: Callable[[], dict[str, Any]]) -> None:
    """Run the work and ack with its reply; a refusal or a failure is told to the user alone,
    and a replay of a request handled before gets an empty ack."""
    try:
        reply = work()
    except Replayed:
        ack()
        return
    except Exception as error:
        ack(**ephemeral(failure(error, lang)))
        return
    ack(**reply)


def notice_modal(message: Message) -> dict[str, Any]:
    """A modal that only shows a message: a refusal told over the Home tab or in a dialog."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Förvaltningsbot"},
        "blocks": message.blocks,
    }
