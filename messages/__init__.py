"""Everything the bot says, one render function per message, in the reader's language."""

from messages.change import change_confirmed
from messages.error import error_message, internal_error
from messages.help import help_message
from messages.home import home_view, mine, not_yet_available, reason_modal
from messages.message import Message
from messages.owner_assigned import owner_assigned
from messages.project_created import project_created
from messages.reminder import digest, escalation, reminder, reminders_sent, schedule_set
from messages.status import status

__all__ = [
    "Message",
    "change_confirmed",
    "digest",
    "error_message",
    "escalation",
    "help_message",
    "home_view",
    "internal_error",
    "mine",
    "not_yet_available",
    "owner_assigned",
    "project_created",
    "reason_modal",
    "reminder",
    "reminders_sent",
    "schedule_set",
    "status",
]
