"""Several workspaces: OAuth v2 installs, per-workspace tokens, and token rotation under a lock.

On Enterprise Grid an org-wide install is stored under its org with no team, and the outbox
knows a workspace by its team id alone. So the org each workspace is seen in (as Bolt authorizes
a request for it, or as an install names it) is remembered (bot.services.workspace_orgs), and a
workspace's token is its own install's, else the org-wide install's of its own org.

Token rotation with refresh tokens is racy: two requests (or two replicas, or a request and the
outbox) that see the same expiring token each call oauth.v2.access, and all but the last saved
result are lost. So rotation runs under a per-installation lock and re-reads the installation
inside it: whoever comes second finds fresh tokens and does not rotate again.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.context.context import BoltContext
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation, InstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, desc, select, text
from sqlalchemy.engine import Connection

from bot.services.workspace_orgs import WorkspaceOrgs
from bot.slack.lifecycle import NOT_INSTALLED, NotInstalled
from bot.slack.manifest import bot_scopes

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


def authorization_url(api_url: str) -> str:
    """Slack's authorize page beside its Web API: https://slack.com/api/ gives
    https://slack.com/oauth/v2/authorize, and a fake Slack's API URL its own page."""
    parts = urlsplit(api_url)
    path = parts.path.rstrip("/")
    if path.endswith("/api"):
        path = path[: -len("/api")]
    return urlunsplit((parts.scheme, parts.netloc, path + "/oauth/v2/authorize", "", ""))


def _lock_key(enterprise_id: str | None, team_id: str | None) -> int:
    # pg_advisory_xact_lock takes a signed 64-bit key; a namespace keeps it apart from others.
    digest = hashlib.blake2b(
        f"forvaltningsbot:token-rotation:{enterprise_id or ''}:{team_id or ''}".encode(),
        digest_size=8,
    ).digest()
    return int.from_bytes(digest, "big", signed=True)


class GuardedAuthorize(InstallationStoreAuthorize):
    """Bolt's authorize, with rotation serialised per installation, remembering the Grid org
    of each workspace it authorizes a request for (see the module doc)."""

    def __init__(self, *, engine: Engine, orgs: WorkspaceOrgs, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._engine = engine
        self.orgs = orgs
        self._locks: dict[tuple[str | None, str | None], threading.Lock] = {}
        self._locks_lock = threading.Lock()

    def __call__(
        self,
        *,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **actor: str | None,
    ) -> AuthorizeResult | None:
        found: AuthorizeResult | None = super().__call__(
            context=context, enterprise_id=enterprise_id, team_id=team_id, user_id=user_id, **actor
        )
        # The workspace as Bolt resolved it: the command's team_id, or on a click of an
        # org-wide install (whose `team` is null) the user's own; an event of one names no team.
        if found is not None and enterprise_id and team_id:
            self.orgs.saw(team_id, enterprise_id)
        return found

    def _rotate_and_save_tokens_if_necessary(
        self, installation: Installation | None
    ) -> Installation | None:
        if installation is None or (
            installation.user_refresh_token is None and installation.bot_refresh_token is None
        ):
            return None
        return self.rotate(installation)

    def rotate(self, installation: Installation) -> Installation | None:
        """The rotated installation, or the one another thread/replica rotated meanwhile;
        None if the given one is still good."""
        with self._guard(installation.enterprise_id, installation.team_id):
            fresh = self.installation_store.find_installation(
                enterprise_id=installation.enterprise_id,
                team_id=installation.team_id,
                is_enterprise_install=installation.is_enterprise_install,
            )
            current = fresh or installation
            refreshed: Installation | None = super()._rotate_and_save_tokens_if_necessary(current)
            if (
                refreshed is None
                and fresh is not None
                and fresh.bot_token != installation.bot_token
            ):
                return fresh
            return refreshed

    @contextmanager
    def _guard(self, enterprise_id: str | None, team_id: str | None) -> Iterator[None]:
        if self._engine.dialect.name == "postgresql":
            # Across replicas: a transaction-scoped advisory lock, released at our commit,
            # after the store has committed the rotated tokens on its own connection.
            with self._engine.begin() as connection:
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"),
                    {"key": _lock_key(enterprise_id, team_id)},
                )
                yield
            return
        # SQLite serves one process: a lock per installation is enough.
        with self._locks_lock:
            lock = self._locks.setdefault((enterprise_id, team_id), threading.Lock())
        with lock:
            yield


class RecordingInstallationStore(SQLAlchemyInstallationStore):
    """slack-sdk's store, which also remembers the org a Grid workspace install names (an
    org-wide install names none: its workspaces are learnt as requests come from them)."""

    def __init__(self, *, orgs: WorkspaceOrgs, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.orgs = orgs

    def save(self, installation: Installation) -> None:
        super().save(installation)
        if installation.enterprise_id and installation.team_id:
            self.orgs.saw(installation.team_id, installation.enterprise_id)


@dataclass(frozen=True)
class _Stored:
    """Where a workspace's token is stored: its own install (under its org on Grid), or an
    org-wide install (under the org, with no team)."""

    enterprise_id: str | None
    team_id: str | None

    @property
    def org_wide(self) -> bool:
        return self.team_id is None


class InstallationClients:
    """`clients(team_id)` for the outbox: a client with that workspace's current bot token.

    The outbox knows a workspace by its team id alone. Its token is its own install's if it has
    one (on Grid stored under its org too), else the org-wide install's (`is_enterprise_install`,
    stored under the org with no team) of the org the workspace was seen in. A workspace never
    seen is served by an org-wide install only if there is exactly one, which cannot be the
    wrong org; with several, delivery there fails with `not installed`.
    """

    def __init__(self, authorize: GuardedAuthorize, api_url: str) -> None:
        self._authorize = authorize
        self._api_url = api_url

    @property
    def store(self) -> InstallationStore:
        return self._authorize.installation_store

    @property
    def orgs(self) -> WorkspaceOrgs:
        return self._authorize.orgs

    def __call__(self, team_id: str) -> WebClient:
        where = self._where(team_id)
        if where is None:
            raise NotInstalled(NOT_INSTALLED)
        installation = self.store.find_installation(
            enterprise_id=where.enterprise_id,
            team_id=where.team_id,
            is_enterprise_install=where.org_wide,
        )
        if installation is None or installation.bot_token is None:
            return self._bot_only(where)
        if installation.bot_refresh_token is not None:
            installation = self._authorize.rotate(installation) or installation
        return WebClient(token=installation.bot_token, base_url=self._api_url)

    def _bot_only(self, where: _Stored) -> WebClient:
        """No installation row with a bot token (the installer's user token was revoked, say):
        the bot's own row, as Bolt's authorize falls back to it; none means not installed,
        or uninstalled, and a delivery there fails at once until a new install."""
        bot = self.store.find_bot(
            enterprise_id=where.enterprise_id,
            team_id=where.team_id,
            is_enterprise_install=where.org_wide,
        )
        if bot is None or not bot.bot_token:
            raise NotInstalled(NOT_INSTALLED)
        return WebClient(token=bot.bot_token, base_url=self._api_url)

    def _where(self, team_id: str) -> _Stored | None:
        store = self.store
        if not isinstance(store, SQLAlchemyInstallationStore):
            return _Stored(None, team_id)
        with store.engine.connect() as connection:
            own = _own_install(connection, store, team_id)
        if own is not None:
            return own
        org = self.orgs.org_of(team_id)
        if org is not None:
            return _Stored(org, None)
        with store.engine.connect() as connection:
            orgs = _org_wide_installs(connection, store)
        # Never seen: only one org-wide install can be sure to be the workspace's org's.
        return _Stored(orgs[0], None) if len(orgs) == 1 else None


def _own_install(
    connection: Connection, store: SQLAlchemyInstallationStore, team_id: str
) -> _Stored | None:
    """The workspace's own install, by its latest installation row, else its latest bot row
    (the installation rows go with a revoked user token, the bot's stays)."""
    for table in (store.installations, store.bots):
        c = table.c
        latest = (
            select(c.enterprise_id)
            .where(c.client_id == store.client_id, c.team_id == team_id)
            .order_by(desc(c.installed_at))
            .limit(1)
        )
        found = connection.execute(latest).first()
        if found is not None:
            return _Stored(found.enterprise_id, team_id)
    return None


def _org_wide_installs(connection: Connection, store: SQLAlchemyInstallationStore) -> list[str]:
    """The orgs with an org-wide install (an installation or a bot row)."""
    orgs: set[str] = set()
    for table in (store.installations, store.bots):
        c = table.c
        org_wide = select(c.enterprise_id).where(
            c.client_id == store.client_id, c.is_enterprise_install.is_(True)
        )
        orgs.update(connection.execute(org_wide.distinct()).scalars())
    return sorted(orgs)


def oauth_settings(
    *,
    client_id: str,
    client_secret: str,
    engine: Engine,
    orgs: WorkspaceOrgs,
    api_url: str,
    redirect_uri: str | None,
) -> tuple[OAuthSettings, GuardedAuthorize]:
    """Bolt's OAuth settings on our database, and the guarded authorize to pass as `authorize=`."""
    installations = RecordingInstallationStore(
        orgs=orgs, client_id=client_id, engine=engine, logger=logging.getLogger("slack_sdk.oauth")
    )
    states = SQLAlchemyOAuthStateStore(
        expiration_seconds=600, engine=engine, logger=logging.getLogger("slack_sdk.oauth")
    )
    settings = OAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=bot_scopes(),
        user_scopes=[],
        redirect_uri=redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=authorization_url(api_url),
        installation_store=installations,
        state_store=states,
    )
    authorize = GuardedAuthorize(
        engine=engine,
        orgs=orgs,
        logger=logging.getLogger("slack_bolt"),
        installation_store=installations,
        client_id=client_id,
        client_secret=client_secret,
        # oauth.v2.access for rotation goes to SLACK_API_URL like every other call.
        client=WebClient(base_url=api_url),
    )
    return settings, authorize
