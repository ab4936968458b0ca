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
    JAV_GROUND = "jav_ground"
    JAV_RULING = "jav_ruling"


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
    VOTE_CONFLICT = "vote_conflict"  # opens the jäv dialog (ground and motivation)
    VOTE_ABSENT = "vote_absent"  # förhinder
    VOTE_REFER_BACK = "vote_refer_back"  # opens the återremiss dialog
    # The ruling DM's buttons; the value is the jäv question's id.
    JAV_JAVIG = "jav_javig"
    JAV_NOT_JAVIG = "jav_not_javig"
    VOTE_CLOSE = "vote_close"
    RESERVE = "vote_reservation"  # opens the reservation dialog; the value is the vote's id
    REASON_TEXT = "reason_text"


class InputId(StrEnum):
    """Inputs in a dialog that are no button (no handler of their own; read on submit)."""

    JAV_GROUND = "jav_ground"  # the ground's select in the jäv dialog


class CallbackId(StrEnum):
    REASON = "activity_reason"
    RESERVATION = "vote_reservation"
    JAV = "vote_jav"
    REFER_BACK = "vote_refer_back"
