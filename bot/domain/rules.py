"""Who may do what in a project, and which status changes make sense."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.domain.activities import FINISHED, ActivityStatus
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.phase import Phase


class Role:
    """The `role` parameter of NOT_ALLOWED: who would have been allowed."""

    LEAD = "lead"
    OWNER_OR_LEAD = "owner_or_lead"
    CLOSER = "closer"


def require_lead(user_id: str, lead_id: str) -> None:
    """The projektledare changes the project itself: owners, dates, documents, the group."""
    if user_id != lead_id:
        raise DomainError(ErrorCode.NOT_ALLOWED, role=Role.LEAD, lead=lead_id)


def require_owner_or_lead(user_id: str, lead_id: str, owner_id: str | None) -> None:
    """An owner answers for their own activity; the projektledare for all of them."""
    if user_id not in (lead_id, owner_id):
        raise DomainError(
            ErrorCode.NOT_ALLOWED, role=Role.OWNER_OR_LEAD, lead=lead_id, owner=owner_id or ""
        )


def check_status_change(
    phase: Phase, key: str, statuses: Mapping[str, ActivityStatus], target: ActivityStatus
) -> None:
    """A parent's status follows its sub-activities, so it cannot be set by hand.

    Marking it done while a sub-activity is open names the open ones, which is what the person
    needs to do next.
    """
    children = phase.children(key)
    if not children:
        return
    still_open = [c.number for c in children if statuses[c.key] not in FINISHED]
    raise DomainError(
        ErrorCode.PARENT_HAS_OPEN_CHILDREN,
        activity=phase.activity(key).number,
        open=", ".join(still_open),
        children=", ".join(c.number for c in children),
        target=target.value,
    )


def check_chair(chair_id: str, members: Sequence[str]) -> None:
    if chair_id not in members:
        raise DomainError(ErrorCode.CHAIR_NOT_MEMBER, user=chair_id)
