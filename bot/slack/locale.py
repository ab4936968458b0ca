"""Which language to answer a person in: their Slack locale, looked up once and remembered."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from messages.i18n import DEFAULT_LANGUAGE, language_for

log = logging.getLogger(__name__)


class Locales:
    """A bounded, thread-safe memory of (workspace, user) → language.

    People change their Slack language rarely; remembering it for hours saves a users.info call
    on every command, and the bound keeps a big workspace from growing the process without end.
    """

    def __init__(
        self,
        *,
        ttl_seconds: float = 12 * 3600,
        max_entries: int = 10_000,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl_seconds
        self._max = max_entries
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._known: OrderedDict[tuple[str, str], tuple[str, float]] = OrderedDict()

    def language(self, client: WebClient, team_id: str, user_id: str) -> str:
        key = (team_id, user_id)
        now = self._monotonic()
        with self._lock:
            hit = self._known.get(key)
            if hit is not None and hit[1] > now:
                self._known.move_to_end(key)
                return hit[0]
        try:
            response = client.users_info(user=user_id, include_locale=True)
        except (SlackApiError, SlackClientError, OSError) as exc:
            # Answering in Swedish beats not answering; try again next time.
            log.warning("users.info failed for a locale look-up: %s", exc)
            return DEFAULT_LANGUAGE
        user = response.get("user") or {}
        lang = language_for(user.get("locale"))
        self.remember(team_id, user_id, lang, now=now)
        return lang

    def remember(self, team_id: str, user_id: str, lang: str, *, now: float | None = None) -> None:
        """Also fed from payloads that carry the locale, such as interactions."""
        expires = (self._monotonic() if now is None else now) + self._ttl
        with self._lock:
            self._known[(team_id, user_id)] = (lang, expires)
            self._known.move_to_end((team_id, user_id))
            while len(self._known) > self._max:
                self._known.popitem(last=False)
