"""What a platform delivery is given (one attempt at one event) and what it may raise.

A delivery knows its platform; the sender knows none. The delivery turns its platform's errors
into `Retry` or `Failed`, and the sender decides from those what happens next.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.outbox.budget import Scope
from bot.services.delivery import SentRecord
from bot.services.outbox_events import P, payload_of


def _open() -> None:
    """A lookup nothing limits (an attempt made outside the sender, in a test)."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """One try at delivering one event.

    `number` is 1 on the first try. `in_doubt`: an earlier try may have reached the platform
    (its sender stopped before settling it, or it failed in a way that may have acted), so a
    delivery that posts looks first whether the message is already there, back to
    `first_attempt_at` and no further. `posting()` is called just before a message goes to
    `target`, so the next one there waits its turn; `looking()` just before that look. Either
    raises `Retry` when the workspace is inside a Retry-After window for that call. A delivery
    appends to `records` what must be kept of it once it went through.
    """

    key: str
    kind: str
    team_id: str
    target: str
    number: int
    in_doubt: bool
    data: Mapping[str, Any]
    posting: Callable[[], None]
    looking: Callable[[], None] = _open
    first_attempt_at: datetime | None = None
    # What the bot must keep of a delivery that went through (a `SentRecord` each): written
    # with the event settled as sent, in one transaction.
    records: list[SentRecord] = field(default_factory=list)

    def payload(self, expected: type[P]) -> P:
        """The event's payload, typed; PayloadError (failing this event) if it does not fit."""
        return payload_of(self.kind, self.data, expected)


Delivery = Callable[[Attempt], None]


class Retry(Exception):
    """Try again after `after` seconds (a rate limit's Retry-After), or, when it is None, after
    the sender's exponential backoff (a server error, a network failure). `doubt`: the platform
    may have acted on the failed call, so the next attempt is in doubt. `limited`: the
    platform refused for the workspace's budget of that call (a 429), which closes it for
    every event of the workspace until `after` has passed. `tried` False: the sender's own
    budget stopped the attempt before any call, so it counts for nothing."""

    def __init__(
        self,
        after: float | None,
        reason: str,
        *,
        doubt: bool = False,
        limited: Scope | None = None,
        tried: bool = True,
    ) -> None:
        super().__init__(reason)
        self.after = after
        self.reason = reason
        self.doubt = doubt
        self.limited = limited
        self.tried = tried


class Failed(Exception):
    """A refusal that trying again will not change (the channel is gone, say). `private`: the
    target is a private channel the bot must be invited to, which the projektledare is told."""

    def __init__(self, reason: str, *, private: bool = False) -> None:
        super().__init__(reason)
        self.private = private
