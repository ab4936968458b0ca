"""Several workspaces: OAuth v2 installs, per-workspace tokens, and token rotation under a lock.

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
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation, InstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, desc, select, text

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
    """Bolt's authorize, with rotation serialised per installation (see the module doc)."""

    def __init__(self, *, engine: Engine, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._engine = engine
        self._locks: dict[tuple[str | None, str | None], threading.Lock] = {}
        self._locks_lock = threading.Lock()

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


class InstallationClients:
    """`clients(team_id)` for the outbox: a client with that workspace's current bot token.

    The outbox knows a workspace by its team id alone, so the install is looked up by it: a
    workspace install on Enterprise Grid is stored under its enterprise id too, and an org-wide
    install (`is_enterprise_install`) under the enterprise alone, with no team.
    """

    def __init__(self, authorize: GuardedAuthorize, api_url: str) -> None:
        self._authorize = authorize
        self._api_url = api_url

    @property
    def store(self) -> InstallationStore:
        return self._authorize.installation_store

    def __call__(self, team_id: str) -> WebClient:
        installation = self._find(team_id)
        if installation is None or installation.bot_token is None:
            return self._bot_only(team_id, installation)
        if installation.bot_refresh_token is not None:
            installation = self._authorize.rotate(installation) or installation
        return WebClient(token=installation.bot_token, base_url=self._api_url)

    def _bot_only(self, team_id: str, installation: Installation | None) -> WebClient:
        """No installation row with a bot token (the installer's user token was revoked, say):
        the bot's own row, as Bolt's authorize falls back to it; none means not installed,
        or uninstalled, and a delivery there fails at once until a new install."""
        bot = None
        if installation is not None:
            bot = self.store.find_bot(
                enterprise_id=installation.enterprise_id,
                team_id=installation.team_id,
                is_enterprise_install=installation.is_enterprise_install,
            )
        if bot is None:
            bot = self.store.find_bot(enterprise_id=self._bot_enterprise(team_id), team_id=team_id)
        if bot is None or not bot.bot_token:
            raise NotInstalled(NOT_INSTALLED)
        return WebClient(token=bot.bot_token, base_url=self._api_url)

    def _bot_enterprise(self, team_id: str) -> str | None:
        """The Grid org of the team's latest bot row (None off Grid, or with no row)."""
        store = self.store
        if not isinstance(store, SQLAlchemyInstallationStore):
            return None
        c = store.bots.c
        latest = (
            select(c.enterprise_id)
            .where(c.client_id == store.client_id, c.team_id == team_id)
            .order_by(desc(c.installed_at))
            .limit(1)
        )
        with store.engine.connect() as connection:
            found: str | None = connection.execute(latest).scalar()
        return found

    def _find(self, team_id: str) -> Installation | None:
        store = self._authorize.installation_store
        if not isinstance(store, SQLAlchemyInstallationStore):
            return store.find_installation(enterprise_id=None, team_id=team_id)
        table = store.installations
        c = table.c
        latest = (
            select(c.enterprise_id, c.team_id)
            .where(c.client_id == store.client_id, c.team_id == team_id)
            .order_by(desc(c.installed_at))
            .limit(1)
        )
        org_wide = (
            select(c.enterprise_id)
            .where(c.client_id == store.client_id, c.is_enterprise_install.is_(True))
            .distinct()
        )
        with store.engine.connect() as connection:
            found = connection.execute(latest).first()
            orgs = [] if found is not None else list(connection.execute(org_wide).scalars())
        if found is not None:
            return store.find_installation(enterprise_id=found.enterprise_id, team_id=team_id)
        if len(orgs) == 1:
            # One org-wide install covers every workspace of its org. With several orgs the
            # outbox cannot tell which one a team belongs to (see the README).
            return store.find_installation(
                enterprise_id=orgs[0], team_id=None, is_enterprise_install=True
            )
        return None


def oauth_settings(
    *,
    client_id: str,
    client_secret: str,
    engine: Engine,
    api_url: str,
    redirect_uri: str | None,
) -> tuple[OAuthSettings, GuardedAuthorize]:
    """Bolt's OAuth settings on our database, and the guarded authorize to pass as `authorize=`."""
    installations = SQLAlchemyInstallationStore(
        client_id=client_id, engine=engine, logger=logging.getLogger("slack_sdk.oauth")
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
        logger=logging.getLogger("slack_bolt"),
        installation_store=installations,
        client_id=client_id,
        client_secret=client_secret,
        # oauth.v2.access for rotation goes to SLACK_API_URL like every other call.
        client=WebClient(base_url=api_url),
    )
    return settings, authorize
