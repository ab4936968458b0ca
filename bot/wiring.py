"""The composition root: builds the bot from settings.

`serve`, the playground, the tests and the benchmarks all build the bot here, the same way; the
command line only parses arguments (and `bot.runner` runs what is built here). With the sender
apart (SENDER=process), `serve` builds the web role and `send` the sender's (SenderBot), both
from the same pieces.
"""

from __future__ import annotations

import gc
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient

from bot.config import Settings
from bot.domain.phase import Phase
from bot.domain.platform import Platform
from bot.http import ops_app, wsgi_app
from bot.matrix.adapter import MatrixAdapter
from bot.metrics import Metrics
from bot.outbox import Delivery, OutboxSender
from bot.outbox.routing import routed
from bot.phases import DEFAULT_PHASE, load_phase
from bot.server import HttpServer
from bot.services import decisions
from bot.services.context import Services
from bot.services.outbox_events import OutboxKind
from bot.services.workspace_orgs import WorkspaceOrgs
from bot.slack.app import build_app
from bot.slack.deliveries import slack_deliveries
from bot.slack.lifecycle import Installations, SingleToken, StoredInstallations
from bot.slack.locale import Locales
from bot.slack.oauth import InstallationClients, oauth_settings
from bot.ticker import Ticker
from messages.export import export_json, export_markdown
from messages.pdf import export_pdf
from storage.db import Database, upgrade
from storage.outbox import take_queued
from storage.wakeups import Listener, Notifier, connector


class Role(StrEnum):
    """What a bot built here runs besides its HTTP server."""

    WHOLE = "whole"  # the sender and the tick too, as threads (SENDER=inline, tests, playground)
    WEB = "web"  # neither: they run in the sender's process (SenderBot), woken by NOTIFY


@dataclass
class Bot:
    """A running bot: database, Bolt app, HTTP server. Tests build one just like `serve` does."""

    settings: Settings
    db: Database
    app: App
    server: HttpServer
    # None in the web role, whose sender and tick run in the sender's process.
    sender: OutboxSender | None
    ticker: Ticker | None
    metrics: Metrics
    matrix: MatrixAdapter | None = None
    wakeups: Notifier | None = None  # the web role's: wakes the sender's process

    @classmethod
    def build(
        cls, settings: Settings, *, phase: Phase | None = None, role: Role = Role.WHOLE
    ) -> Bot:
        """`phase`: the template new projects follow, if not the shipped one (benchmarks)."""
        services = build_services(settings, phase=phase)
        db = services.db
        slack_on = settings.has_slack_credentials or not settings.has_matrix_credentials
        client, clients, oauth, authorize = _clients(settings, db, slack_on=slack_on)
        installations: Installations = (
            clients
            if isinstance(clients, SingleToken)
            else StoredInstallations(clients.store, clients.orgs)
        )
        locales = Locales()
        metrics = Metrics()
        metrics.watch_database(db, services.clock)
        deliveries = {Platform.SLACK: slack_deliveries(services, clients, locales)}
        matrix, sender, ticker, wakeups = None, None, None, None
        notify: Callable[[], None]
        if role is Role.WEB:
            if settings.has_matrix_credentials:  # `serve` keeps such a bot whole
                raise ValueError("Matrix delivers through its sync loop's client: not a web role")
            wakeups = Notifier(connector(db.engine))
            notify = wakeups.notify
        else:
            if settings.has_matrix_credentials:
                matrix = MatrixAdapter.from_settings(settings, services, lambda: notify())
                deliveries[Platform.MATRIX] = matrix.deliveries()
            sender, ticker = _outbox(settings, services, routed(deliveries), metrics)
            notify = sender.notify
        app = build_app(
            client=client,
            signing_secret=_signing_secret(settings, slack_on=slack_on),
            services=services,
            locales=locales,
            notify=_when_queued(notify),
            installations=installations,
            oauth_settings=oauth,
            authorize=authorize,
        )
        server = HttpServer(
            wsgi_app(app, services, metrics, settings.slack_signing_secret),
            host=settings.host,
            port=settings.port,
            threads=settings.threads,
        )
        return cls(
            settings=settings,
            db=db,
            app=app,
            server=server,
            sender=sender,
            ticker=ticker,
            metrics=metrics,
            matrix=matrix,
            wakeups=wakeups,
        )

    def start_background_work(self) -> None:
        # What exists now (templates, the holiday calendar, the ORM's mappings, Bolt) lives as
        # long as the process: moved out of the collector's view, a full collection no longer
        # scans it, which cut the tick's occasional 80 ms pauses to nothing (BENCHMARKS.md).
        gc.freeze()
        if self.matrix is not None:
            self.matrix.start()
        for part in (self.wakeups, self.sender, self.ticker):
            if part is not None:
                part.start()

    def stop(self) -> None:
        self.server.stop()
        for part in (self.ticker, self.sender, self.wakeups, self.matrix):
            if part is not None:
                part.stop()
        self.db.dispose()


@dataclass
class SenderBot:
    """The sender's process (`forvaltningsbot send`): the outbox sender and the tick, woken by
    the web processes' NOTIFY, and a health check and metrics if SENDER_PORT is set."""

    settings: Settings
    db: Database
    sender: OutboxSender
    ticker: Ticker
    listener: Listener
    metrics: Metrics
    server: HttpServer | None

    @classmethod
    def build(cls, settings: Settings, *, phase: Phase | None = None) -> SenderBot:
        if settings.has_matrix_credentials:  # `send` refuses such settings before this
            raise ValueError("Matrix delivers through its sync loop's client, in the web process")
        services = build_services(settings, phase=phase)
        _, clients, _, _ = _clients(settings, services.db)
        metrics = Metrics()
        metrics.watch_database(services.db, services.clock)
        deliveries = {Platform.SLACK: slack_deliveries(services, clients, Locales())}
        sender, ticker = _outbox(settings, services, routed(deliveries), metrics)
        server = None
        if settings.sender_port is not None:
            server = HttpServer(
                ops_app(services, metrics), host=settings.host, port=settings.sender_port, threads=2
            )
        return cls(
            settings=settings,
            db=services.db,
            sender=sender,
            ticker=ticker,
            listener=Listener(connector(services.db.engine), sender.notify),
            metrics=metrics,
            server=server,
        )

    def start(self) -> None:
        gc.freeze()  # as Bot.start_background_work does, for the same reason
        self.sender.start()
        self.listener.start()
        self.ticker.start()
        if self.server is not None:
            self.server.start_in_background()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
        self.ticker.stop()
        self.listener.stop()
        self.sender.stop()
        self.db.dispose()


def _outbox(
    settings: Settings,
    services: Services,
    deliveries: Mapping[OutboxKind, Delivery],
    metrics: Metrics,
) -> tuple[OutboxSender, Ticker]:
    """The sender and the tick that wakes it, in whichever process runs them."""
    sender = OutboxSender(
        services,
        deliveries,
        metrics=metrics,
        lease=timedelta(seconds=settings.outbox_lease_seconds),
        poll_seconds=settings.outbox_poll_seconds,
    )
    ticker = Ticker(
        services, sender.notify, interval_seconds=settings.tick_seconds, metrics=metrics
    )
    return sender, ticker


def build_services(settings: Settings, *, phase: Phase | None = None) -> Services:
    """The migrated database and what every use case needs: the bot, or the export alone."""
    phase = phase or load_phase(DEFAULT_PHASE)
    db = Database.from_url(settings.database_url)
    upgrade(db.engine)
    return Services(
        db=db,
        phases={phase.key: phase},
        default_phase=phase.key,
        organisation=settings.organisation,
    )


def export_record(
    settings: Settings,
    ref: str,
    fmt: str,
    lang: str,
    team_id: str | None = None,
    *,
    all_versions: bool = False,
) -> str | bytes:
    """A project's decision record for diarieföring, from the database alone: no Slack needed,
    so a registrar can run it. `fmt` "md" or "json" is text, "pdf" the bytes of a PDF/A.

    The database is read as it is: a wrong DATABASE_URL must not leave an empty new database
    behind, nor an old one migrated by a reader (NoDatabase). Raises DomainError unless `ref`
    names one project (within `team_id`), PdfUnavailable if this machine cannot make a PDF.
    """
    phase = load_phase(DEFAULT_PHASE)
    db = Database.existing(settings.database_url)
    services = Services(db=db, phases={phase.key: phase}, default_phase=phase.key)
    try:
        found = decisions.export(services, ref, team_id, all_versions=all_versions)
        organisation = settings.organisation or found.team_id
        now = services.clock()
        if fmt == "pdf":
            return export_pdf(found, organisation, now, lang)
        if fmt == "json":
            return export_json(found, organisation, now)
        return export_markdown(found, organisation, now, lang)
    finally:
        services.db.dispose()


class NoWorkspace(Authorize):
    """Matrix alone: no Slack workspace is ever authorized."""

    def __init__(self) -> None:  # Authorize's own is untyped, and holds nothing
        pass

    def __call__(self, **_kwargs: Any) -> AuthorizeResult | None:
        return None


def _signing_secret(settings: Settings, *, slack_on: bool) -> str | None:
    if not slack_on:
        # Matrix alone: Slack's endpoint stays, but refuses every request, since no one knows
        # the secret it would have to be signed with.
        return secrets.token_hex(32)
    return (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )


def _when_queued(notify: Callable[[], None]) -> Callable[[], None]:
    """A listener's wake-up, only when its request queued a new outbox row (in this thread):
    a change that folded into a pending refresh leaves the sender nothing to claim."""

    def wake() -> None:
        if take_queued():
            notify()

    return wake


def _clients(
    settings: Settings, db: Database, *, slack_on: bool = True
) -> tuple[
    WebClient,
    SingleToken | InstallationClients,
    OAuthSettings | None,
    Authorize | None,
]:
    """The app's client, the outbox's client(s), and in OAuth mode the settings and authorize."""
    if not slack_on:
        # No Slack workspace: no token (so Bolt calls no auth.test) and an authorize that
        # finds none; the signing secret already refuses every request before it is asked.
        client = WebClient(base_url=settings.api_url)
        return client, SingleToken(client), None, NoWorkspace()
    if not settings.oauth_mode:
        assert settings.slack_bot_token is not None
        client = WebClient(
            token=settings.slack_bot_token.get_secret_value(), base_url=settings.api_url
        )
        # Slack saying the token is gone for a team (uninstalled, revoked) stops delivery there.
        return client, SingleToken(client), None, None
    assert settings.slack_client_id is not None and settings.slack_client_secret is not None
    oauth, authorize = oauth_settings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        engine=db.engine,
        orgs=WorkspaceOrgs(db),
        api_url=settings.api_url,
        redirect_uri=settings.slack_redirect_uri,
    )
    # No token: Bolt hands this client to the OAuth flow and copies its base URL per request.
    client = WebClient(base_url=settings.api_url)
    return client, InstallationClients(authorize, settings.api_url), oauth, authorize
