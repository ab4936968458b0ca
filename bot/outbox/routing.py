"""One sender for every platform: each event goes to the delivery of its team's platform."""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain.platform import Platform, platform_of
from bot.outbox.attempt import Attempt, Delivery, Failed
from bot.services.outbox_events import OutboxKind


def routed(
    by_platform: Mapping[Platform, Mapping[OutboxKind, Delivery]],
) -> dict[OutboxKind, Delivery]:
    """Deliveries for the sender that hand each attempt to its platform's delivery of the kind.

    An event of a platform that does not run in this process (Matrix credentials unset, say)
    fails with a reason rather than going out through another platform.
    """

    def route(kind: OutboxKind) -> Delivery:
        def deliver(attempt: Attempt) -> None:
            platform = platform_of(attempt.team_id)
            found = by_platform.get(platform, {}).get(kind)
            if found is None:
                raise Failed(f"no {platform} delivery for {kind} in this process")
            found(attempt)

        return deliver

    return {kind: route(kind) for kind in OutboxKind}
