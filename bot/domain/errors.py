"""Errors the domain raises; each carries a code the messages catalog turns into words.

Why codes and not strings: the same refusal is shown in Swedish or English, and tests assert on
the code rather than on wording.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # Command text
    UNKNOWN_SUBCOMMAND = "unknown_subcommand"
    MISSING_ARGUMENT = "missing_argument"
    TOO_MANY_ARGUMENTS = "too_many_arguments"
    UNKNOWN_ACTIVITY = "unknown_activity"
    UNKNOWN_DOCUMENT = "unknown_document"
    RAW_MENTION = "raw_mention"
    BAD_MENTION = "bad_mention"
    BAD_CHANNEL = "bad_channel"
    BAD_DATE = "bad_date"
    BAD_DATETIME = "bad_datetime"
    BAD_URL = "bad_url"
    BAD_GROUND = "bad_ground"
    REASON_REQUIRED = "reason_required"
    NAME_REQUIRED = "name_required"
    NAME_TOO_LONG = "name_too_long"
    TEXT_TOO_LONG = "text_too_long"
    # Schedules
    BAD_SCHEDULE = "bad_schedule"
    # Projects and permissions
    CHANNEL_HAS_PROJECT = "channel_has_project"
    NO_PROJECT = "no_project"
    AMBIGUOUS_PROJECT = "ambiguous_project"
    NOT_ALLOWED = "not_allowed"
    PARENT_HAS_OPEN_CHILDREN = "parent_has_open_children"
    CHAIR_NOT_MEMBER = "chair_not_member"
    NAME_TAKEN = "name_taken"
    NOT_IN_CHANNEL = "not_in_channel"
    TOO_MANY_CHANNELS = "too_many_channels"
    STEERING_TOO_LARGE = "steering_too_large"
    # Milestone and vote
    DEADLINE_IN_PAST = "deadline_in_past"
    VOTE_ALREADY_OPEN = "vote_already_open"
    NO_OPEN_VOTE = "no_open_vote"
    NOT_A_MEMBER = "not_a_member"
    VOTE_CLOSED = "vote_closed"
    CONFLICT_DECLARED = "conflict_declared"
    VOTE_STILL_OPEN = "vote_still_open"
    ALREADY_RESERVED = "already_reserved"
    NO_DECISION = "no_decision"
    # The meeting's rules (seats, jäv, förhinder, reservation, the proposal)
    NOT_SERVING = "not_serving"
    ABSENT = "absent"
    JAV_PENDING = "jav_pending"
    JAV_WAITING = "jav_waiting"
    JAV_ALREADY = "jav_already"
    NOT_A_MEMBER_OTHER = "not_a_member_other"
    ALREADY_VOTED = "already_voted"
    PROPOSAL_FIXED = "proposal_fixed"
    RESERVE_NOT_AGAINST = "reserve_not_against"
    RESERVE_NO_DECISION = "reserve_no_decision"
    NOT_A_PARTICIPANT = "not_a_participant"
    # Justering and rättelse
    ADJUSTER_NOT_MEMBER = "adjuster_not_member"
    ADJUSTER_IS_CHAIR = "adjuster_is_chair"
    NOT_A_JUSTERARE = "not_a_justerare"
    RECORD_JUSTERAT = "record_justerat"
    ALREADY_JUSTERAT = "already_justerat"
    NOTHING_TO_JUSTERA = "nothing_to_justera"
    WHICH_RECORD = "which_record"
    # Phase template
    BAD_TEMPLATE = "bad_template"


class DomainError(Exception):
    """A rule said no. `params` are plain strings the message for `code` may show."""

    def __init__(self, code: ErrorCode, **params: str) -> None:
        super().__init__(code.value, params)
        self.code = code
        self.params: dict[str, str] = params

    def __str__(self) -> str:
        details = ", ".join(f"{k}={v}" for k, v in sorted(self.params.items()))
        return f"{self.code.value}({details})" if details else self.code.value
