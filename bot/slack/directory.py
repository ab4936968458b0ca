"""Who is in which channel, asked of Slack: the `Directory` port of the services.

One person's channels are listed once per request (`users.conversations`, a page at a time),
however many channels the command names; a person in more channels than the bound is told no
rather than the bot reading without end.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient

log = logging.getLogger(__name__)

PAGE = 200
MAX_PAGES = 50  # 10,000 channels


class SlackDirectory:
    """The channels a user is in that the bot can see (every public one, and the private ones
    it has been invited to); built per request with that request's client."""

    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._channels: dict[tuple[str, str], frozenset[str]] = {}

    def is_member(self, team_id: str, channel_id: str, user_id: str) -> bool:
        key = (team_id, user_id)
        if key not in self._channels:
            self._channels[key] = self._list(user_id)
        return channel_id in self._channels[key]

    def _list(self, user_id: str) -> frozenset[str]:
        found: set[str] = set()
        cursor = ""
        for _ in range(MAX_PAGES):
            response = self._client.users_conversations(
                user=user_id,
                types="public_channel,private_channel",
                exclude_archived=True,
                limit=PAGE,
                cursor=cursor or None,
            )
            found.update(str(c["id"]) for c in response.get("channels") or [])
            cursor = str((response.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                return frozenset(found)
        log.warning("user %s is in more than %d channels; read no further", user_id, len(found))
        return frozenset(found)
