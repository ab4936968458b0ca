"""Ids of Block Kit elements, shared by the renderer and the listener that matches them."""

from __future__ import annotations

from enum import StrEnum


class BlockId(StrEnum):
    STATUS_ACTIVITIES = "status_activities"
    STATUS_DOCUMENTS = "status_documents"
    STATUS_READINESS = "status_readiness"
    REASON = "reason"
    REMINDER = "reminder"  # `reminder:<activity id>` on each item of a reminder DM
    REMINDER_ACTIONS = "reminder_actions"
    VOTE = "vote"
    VOTE_DECISION = "vote_decision"
    RESERVATION = "reservation"


class ActionId(StrEnum):
    """Buttons that change an activity's status; the value is the activity's id."""

    MARK_DONE = "activity_done"
    MARK_DOING = "activity_doing"
    MARK_BLOCKED = "activity_blocked"
    MARK_NA = "activity_na"
    SNOOZE = "activity_snooze"
    # Vote buttons; the value is the vote's id.
    VOTE_YES = "vote_yes"
    VOTE_NO = "vote_no"
    VOTE_ABSTAIN = "vote_abstain"
    VOTE_CONFLICT = "vote_conflict"
    VOTE_CLOSE = "vote_close"
    RESERVE = "vote_reservation"  # opens the reservation dialog; the value is the vote's id
    REASON_TEXT = "reason_text"


class CallbackId(StrEnum):
    REASON = "activity_reason"
    RESERVATION = "vote_reservation"
