"""How a listener answers: privately by default, and never with a stack trace."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from bot.domain.errors import DomainError
from messages import error_message, internal_error
from messages.message import Message

log = logging.getLogger(__name__)

Ack = Callable[..., Any]


def ephemeral(message: Message) -> dict[str, Any]:
    return {"response_type": "ephemeral", **message.as_kwargs()}


def in_channel(message: Message) -> dict[str, Any]:
    return {"response_type": "in_channel", **message.as_kwargs()}


def answer(ack: Ack, lang: str, work: Callable[[], dict[str, Any]]) -> None:
    """Run the work and ack with its reply; a refusal or a failure is told to the user alone.

    The work runs in one transaction, so whatever went wrong, nothing was changed; the user is
    told so, with a reference that finds the log line.
    """
    try:
        reply = work()
    except DomainError as err:
        ack(**ephemeral(error_message(err, lang)))
        return
    except Exception:
        reference = uuid.uuid4().hex[:8]
        log.exception("unexpected error, reference %s", reference)
        ack(**ephemeral(internal_error(reference, lang)))
        return
    ack(**reply)
