"""Everything the bot says, one render function per message, in the reader's language."""

from messages.change import change_confirmed
from messages.decision import (
    announcement,
    delivery_failed,
    minutes,
    reservation_modal,
    reservation_posted,
)
from messages.error import error_message, internal_error
from messages.help import help_message
from messages.home import home_view, mine, reason_modal
from messages.meeting import (
    absence_recorded,
    jav_modal,
    jav_ruling_request,
    jav_step,
    note_recorded,
    refer_back_modal,
    referred_back,
)
from messages.message import Message
from messages.owner_assigned import owner_assigned
from messages.project_created import project_created
from messages.record import (
    anslag,
    change_modal,
    change_request_sent,
    change_requested,
    corrected,
    justerat_receipt,
    justering_request,
    record_file_title,
    record_filed,
)
from messages.reminder import digest, escalation, reminder, reminders_sent, schedule_set
from messages.status import status
from messages.vote import (
    milestone_not_ready,
    vote_closed,
    vote_message,
    vote_opened,
    vote_receipt,
    vote_reminder,
)

__all__ = [
    "Message",
    "absence_recorded",
    "announcement",
    "anslag",
    "change_confirmed",
    "change_modal",
    "change_request_sent",
    "change_requested",
    "corrected",
    "delivery_failed",
    "digest",
    "error_message",
    "escalation",
    "help_message",
    "home_view",
    "internal_error",
    "jav_modal",
    "jav_ruling_request",
    "jav_step",
    "justerat_receipt",
    "justering_request",
    "milestone_not_ready",
    "mine",
    "minutes",
    "note_recorded",
    "owner_assigned",
    "project_created",
    "reason_modal",
    "record_file_title",
    "record_filed",
    "refer_back_modal",
    "referred_back",
    "reminder",
    "reminders_sent",
    "reservation_modal",
    "reservation_posted",
    "schedule_set",
    "status",
    "vote_closed",
    "vote_message",
    "vote_opened",
    "vote_receipt",
    "vote_reminder",
]
