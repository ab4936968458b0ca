"""The port through which a use case asks the chat platform who is in a channel.

Services never import a platform: each adapter passes in its own `Directory` (Slack asks
`users.conversations`; a Matrix adapter would read the room's membership).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.domain.errors import DomainError, ErrorCode

# More stakeholder channels than this is a mailing list, not a decision's audience, and each
# one is a post the sender paces at one a second.
MAX_CHANNELS = 10


class Directory(Protocol):
    def is_member(self, team_id: str, channel_id: str, user_id: str) -> bool:
        """Whether `user_id` is in `channel_id`, as far as the bot can see; False when unsure."""
        ...


def require_member_of(
    directory: Directory, team_id: str, user_id: str, channel_ids: Sequence[str]
) -> None:
    """A person names only channels they are in, so the bot never speaks where they do not
    belong. Refuses with every channel that fails, so one answer says all that is wrong."""
    outside = [c for c in channel_ids if not directory.is_member(team_id, c, user_id)]
    if outside:
        raise DomainError(ErrorCode.NOT_IN_CHANNEL, channels=",".join(outside))


def check_channel_count(channel_ids: Sequence[str]) -> None:
    if len(channel_ids) > MAX_CHANNELS:
        raise DomainError(
            ErrorCode.TOO_MANY_CHANNELS, limit=str(MAX_CHANNELS), count=str(len(channel_ids))
        )
