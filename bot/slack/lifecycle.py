"""When a workspace lets the bot go: `app_uninstalled` and `tokens_revoked`.

Slack sends `app_uninstalled` when an admin removes the app, and `tokens_revoked` (listing the
revoked bot and user tokens by user id) when tokens are revoked; after either, every call with
those tokens fails (`token_revoked`, `invalid_auth`). So the installation goes, as Bolt's own
TokenRevocationListeners remove it, and the workspace's pending deliveries fail with the reason
(in the listener) instead of being retried until the sender gives up.

In OAuth mode the installation store is the truth: a new install saves a new one and delivery
resumes. An org-wide install (Enterprise Grid) goes for every workspace of its org: their
pending deliveries fail too, except those of a workspace with an install of its own. With one
SLACK_BOT_TOKEN there is nothing to delete: the token is dead until an admin reinstalls and the
bot restarts with the new one, so delivery to that team stops (clearly logged) and each later
event fails at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from slack_bolt.context.context import BoltContext
from slack_bolt.listener.builtins import TokenRevocationListeners
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from slack_sdk.oauth.installation_store import InstallationStore

from bot.services.workspace_orgs import WorkspaceOrgs

log = logging.getLogger(__name__)

APP_UNINSTALLED = "app uninstalled"
TOKEN_REVOKED = "token revoked"  # noqa: S105  (a reason, not a secret)
NOT_INSTALLED = "not installed"


class NotInstalled(SlackClientError):
    """The bot has no usable token for the workspace: a delivery there fails, it is not
    retried (reinstalling is a person's decision, not a matter of time)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Revocation:
    """What Slack said went: the whole install, or the listed tokens (by their user ids)."""

    reason: str
    bot_ids: Sequence[str] = ()
    user_ids: Sequence[str] = ()

    @property
    def bot(self) -> bool:
        """Whether the bot's token went (always, with the app)."""
        return self.reason == APP_UNINSTALLED or bool(self.bot_ids)

    @classmethod
    def uninstall(cls) -> Revocation:
        return cls(APP_UNINSTALLED)

    @classmethod
    def of_tokens(cls, event: dict[str, object]) -> Revocation:
        """From a `tokens_revoked` event: {"tokens": {"oauth": [U…], "bot": [U…]}}."""
        tokens = event.get("tokens")
        tokens = tokens if isinstance(tokens, dict) else {}
        bots = [str(u) for u in tokens.get("bot") or []]
        users = [str(u) for u in tokens.get("oauth") or []]
        return cls(TOKEN_REVOKED, bot_ids=bots, user_ids=users)


class Installations(Protocol):
    def revoke(self, context: BoltContext, revocation: Revocation) -> Sequence[str]:
        """Forget what `revocation` names for the workspace (or org) Bolt resolved; the other
        workspaces the bot can no longer reach for it (an org-wide install's)."""


class StoredInstallations:
    """OAuth mode: delete from slack-sdk's store exactly as Bolt's built-in listeners do."""

    def __init__(self, store: InstallationStore, orgs: WorkspaceOrgs) -> None:
        self._store = store
        self._orgs = orgs
        self._bolt = TokenRevocationListeners(store)

    def revoke(self, context: BoltContext, revocation: Revocation) -> Sequence[str]:
        if revocation.reason == APP_UNINSTALLED:
            self._bolt.handle_app_uninstalled_events(context)
            return self._reached_through_org(context)
        self._bolt.handle_tokens_revoked_events(
            {"tokens": {"oauth": list(revocation.user_ids), "bot": list(revocation.bot_ids)}},
            context,
        )
        if not revocation.bot:
            return ()
        # Bolt deletes the bot rows; our installation rows carry the same bot token (we
        # ask no user scopes, so they hold nothing else), and find_installation would
        # still hand it out. They go too.
        self._store.delete_installation(
            enterprise_id=context.enterprise_id, team_id=context.team_id
        )
        return self._reached_through_org(context)

    def _reached_through_org(self, context: BoltContext) -> list[str]:
        """An org-wide install went (its events name the org and no team): the workspaces seen
        in the org, except those with an install of their own, which still serves them."""
        org = context.enterprise_id
        if not org or context.team_id is not None or not context.is_enterprise_install:
            return []
        return [
            team
            for team in self._orgs.teams_of(org)
            if self._store.find_bot(enterprise_id=org, team_id=team) is None
        ]


class SingleToken:
    """Single-token mode: the one client, until Slack says its token is gone for a team."""

    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._stopped: dict[str, str] = {}
        self._lock = threading.Lock()

    def __call__(self, team_id: str) -> WebClient:
        with self._lock:
            reason = self._stopped.get(team_id)
        if reason is not None:
            raise NotInstalled(reason)
        return self._client

    def revoke(self, context: BoltContext, revocation: Revocation) -> Sequence[str]:
        if not revocation.bot:
            return ()  # user tokens only: the bot token still works
        team_id = context.team_id or ""
        with self._lock:
            self._stopped[team_id] = revocation.reason
        log.error(
            "Slack says %s for team %s: SLACK_BOT_TOKEN no longer works there. Delivery to "
            "that team has stopped; reinstall the app and restart with the new token.",
            revocation.reason,
            team_id,
        )
        return ()
