"""Everything the bot says, one render function per message, in the reader's language."""

from messages.error import error_message, internal_error
from messages.help import help_message
from messages.message import Message
from messages.project_created import project_created
from messages.status import status

__all__ = [
    "Message",
    "error_message",
    "help_message",
    "internal_error",
    "project_created",
    "status",
]
