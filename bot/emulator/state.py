"""The fake workspace: everything the emulated Slack knows, behind one lock.

Each concern keeps its own tables in a module of its own; `WorkspaceState` is their sum, so a
test or the Web API reaches all of them through one object (`state.add_user`, `state.post`...).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.emulator.calls import CallLog
from bot.emulator.files import Files
from bot.emulator.history import History
from bot.emulator.installs import Installs
from bot.emulator.ledger import BotIdentity, Team
from bot.emulator.response_urls import ResponseUrls
from bot.emulator.views import Views


class WorkspaceState(History, Views, Installs, ResponseUrls, Files, CallLog):
    """Team, users, channels, messages, views, installs, response_urls, files, the call log.

    Every method takes `lock`; callers that need several steps to be atomic (the Web API
    handlers) hold it around the whole call. Read helpers return deep copies so a test can
    inspect them while the bot keeps writing.
    """

    def __init__(
        self,
        *,
        team: Team | None = None,
        bot: BotIdentity | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._start_ledger(team or Team(), bot or BotIdentity(), clock)
        super().__init__()
