"""A stateful fake Slack for end-to-end tests and the local playground."""

from bot.emulator.faults import Fault, Faults
from bot.emulator.requester import BotResponse, SlackRequester, sign
from bot.emulator.server import FakeSlack
from bot.emulator.state import (
    ApiCall,
    BotIdentity,
    Channel,
    Ephemeral,
    Message,
    ResponsePost,
    Team,
    User,
    View,
    WorkspaceState,
)

__all__ = [
    "ApiCall",
    "BotIdentity",
    "BotResponse",
    "Channel",
    "Ephemeral",
    "FakeSlack",
    "Fault",
    "Faults",
    "Message",
    "ResponsePost",
    "SlackRequester",
    "Team",
    "User",
    "View",
    "WorkspaceState",
    "sign",
]
