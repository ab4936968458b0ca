"""What a Web API handler sees of one call, and the look-ups every family of methods shares.

Each look-up raises the error Slack gives for a bad reference, so a handler reads as the
happy path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.emulator import blocks as blockkit
from bot.emulator.directory import Channel, User
from bot.emulator.faults import Fault, Faults
from bot.emulator.ledger import JsonDict
from bot.emulator.state import WorkspaceState
from bot.emulator.views import View

MAX_TEXT = 40_000


class SlackError(Exception):
    """An `ok: false` answer; raised by a handler, turned into the response by `WebApi`."""

    def __init__(
        self,
        error: str,
        *,
        status: int = 200,
        retry_after: int | None = None,
        messages: list[str] | None = None,
    ) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.retry_after = retry_after
        self.messages = messages or []

    @classmethod
    def from_fault(cls, fault: Fault) -> SlackError:
        return cls(fault.error or "fatal_error", status=fault.status, retry_after=fault.retry_after)


@dataclass(frozen=True)
class Context:
    """One call being handled, under the state lock: its params and the workspace it came from."""

    state: WorkspaceState
    faults: Faults
    params: JsonDict
    # The workspace whose token made the call (None: no token, e.g. oauth.v2.access).
    team_id: str | None
    # Where permalinks point: back at the emulator.
    base_url: str
    # The token the call was made with: what it may see (Installs.reaches).
    token: str | None = None

    def text(self, key: str) -> str:
        value = self.params.get(key)
        return "" if value is None else str(value)

    def flag(self, key: str) -> bool:
        return self.params.get(key) in (True, 1, "1", "true", "True")

    def user(self, user_id: str) -> User:
        user = self.state.users.get(user_id)
        # Someone of a workspace the token cannot reach (another Grid org's) is nobody to it.
        if user is None or not self.state.reaches(self.token, user.team_id):
            raise SlackError("user_not_found")
        return user

    def channel(self, ref: str) -> Channel:
        channel = self.state.find_channel(ref) if ref else None
        bot = self.state.bot.user_id
        # A private channel the bot is not in is invisible to it, as in real Slack; so is a
        # channel of a workspace the token cannot reach.
        if (
            channel is None
            or (channel.is_private and bot not in channel.members)
            or not self.state.reaches(self.token, channel.team_id)
        ):
            raise SlackError("channel_not_found")
        return channel

    def target(self, ref: str) -> Channel:
        """A channel to post in; a user id means that user's IM with the bot, as in Slack
        (`channel_not_found` for someone the token cannot reach)."""
        user = self.state.users.get(ref)
        if user is not None and ref != self.state.bot.user_id:
            if not self.state.reaches(self.token, user.team_id):
                raise SlackError("channel_not_found")
            channel, _ = self.state.open_im(ref)
            return channel
        return self.channel(ref)

    def require_bot_in(self, channel: Channel) -> None:
        if (
            not channel.is_im
            and channel.require_membership
            and (self.state.bot.user_id not in channel.members)
        ):
            raise SlackError("not_in_channel")

    def content(self, *, required: bool = True) -> tuple[str | None, Any]:
        """The message's text and blocks, checked as Slack checks them."""
        text = self.params.get("text")
        blocks = self.params.get("blocks")
        if required and not text and not blocks and not self.params.get("attachments"):
            raise SlackError("no_text")
        if text is not None and len(str(text)) > MAX_TEXT:
            raise SlackError("msg_too_long")
        if blocks is not None:
            if isinstance(blocks, str):
                raise SlackError("invalid_blocks_format")
            found = blockkit.problems(blocks)
            if found:
                raise SlackError("invalid_blocks", messages=found)
        return (None if text is None else str(text)), blocks

    def view_payload(self) -> JsonDict:
        view = self.params.get("view")
        if not isinstance(view, dict):
            raise SlackError("invalid_arguments", messages=["missing or invalid `view`"])
        found = blockkit.problems(view.get("blocks", []), max_blocks=blockkit.MAX_VIEW_BLOCKS)
        if found:
            raise SlackError("invalid_arguments", messages=found)
        return view

    def view_body(self, view: View) -> JsonDict:
        return {"view": view.to_slack(self.state.team.id, self.state.bot)}


Handler = Callable[[Context], JsonDict]
