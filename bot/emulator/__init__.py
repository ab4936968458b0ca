"""A stateful fake Slack for end-to-end tests and the local playground."""

from bot.emulator.calls import ApiCall
from bot.emulator.directory import Channel, User
from bot.emulator.faults import Fault, Faults
from bot.emulator.history import Ephemeral, Message
from bot.emulator.ledger import BotIdentity, Team
from bot.emulator.origin import Origin
from bot.emulator.requester import BotResponse, SlackRequester, sign
from bot.emulator.response_urls import ResponsePost
from bot.emulator.server import FakeSlack
from bot.emulator.state import WorkspaceState
from bot.emulator.views import View

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
    "Origin",
    "ResponsePost",
    "SlackRequester",
    "Team",
    "User",
    "View",
    "WorkspaceState",
    "sign",
]
