"""Settings from the environment, read once in `__main__` and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

SLACK_API_DEFAULT = "https://slack.com/api/"


class Settings(BaseSettings):
    # An empty variable is an unset one: compose's `${SLACK_APP_TOKEN:-}` or a blank line in an
    # env file must not switch on Socket Mode with an empty token, or count as a secret.
    model_config = SettingsConfigDict(
        env_prefix="", case_sensitive=False, extra="ignore", env_ignore_empty=True
    )

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    # Several workspaces: installs through OAuth v2 instead of one SLACK_BOT_TOKEN.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    # The Redirect URL registered for the app (https://<host>/slack/oauth_redirect); optional
    # when the app has exactly one registered.
    slack_redirect_uri: str | None = None
    # Every WebClient the bot builds gets this; without it slack_sdk silently talks to slack.com.
    slack_api_url: str = SLACK_API_DEFAULT
    database_url: str = Field(
        default_factory=lambda: f"sqlite:///{Path('forvaltningsbot.db').resolve()}"
    )
    port: int = Field(default=3000, ge=0, le=65535)  # 0: any free port (tests)
    host: str = "0.0.0.0"  # noqa: S104  (a container's port must be reachable from outside)
    threads: int = Field(default=8, ge=1, le=64)
    log_level: str = "INFO"
    # Matrix: the homeserver's base URL, the bot's user id, and a token or a password.
    matrix_homeserver: str | None = None
    matrix_user: str | None = None
    matrix_access_token: SecretStr | None = None
    matrix_password: SecretStr | None = None
    # The organisation named in exported decision records (default: the Slack workspace id).
    organisation: str | None = None
    # How long a sender holds an event it took; after that another replica may take it over.
    outbox_lease_seconds: float = Field(default=60, gt=0, le=3600)
    # How often the tick looks for due reminders, snoozes, escalations and vote deadlines.
    tick_seconds: float = Field(default=30, gt=0, le=3600)
    # How often the sender looks for due events when nothing woke it: the fallback of a wake-up.
    outbox_poll_seconds: float = Field(default=1.0, gt=0, le=3600)
    # Where the outbox sender and the tick run: `inline`, threads of the web process; `process`,
    # a process of their own (`forvaltningsbot send`) that serve starts, woken through
    # PostgreSQL's NOTIFY; `external`, the same but started by the operator (its own container).
    # Unset: `process` on PostgreSQL without Matrix, `inline` otherwise (see sender_mode).
    sender: Literal["inline", "process", "external"] | None = None
    # The sender process's health check and metrics (/healthz, /metrics); unset: none served.
    sender_port: int | None = Field(default=None, ge=0, le=65535)
    # How far the sender process stands back for the web process when both want the CPU (its
    # nice value, 0-19): Slack waits 3 s for an ack and the person watching less, a DM can
    # wait a moment. 0: not at all.
    sender_nice: int = Field(default=10, ge=0, le=19)

    @property
    def api_url(self) -> str:
        return self.slack_api_url if self.slack_api_url.endswith("/") else self.slack_api_url + "/"

    @property
    def on_postgresql(self) -> bool:
        return make_url(self.database_url).get_backend_name() == "postgresql"

    @property
    def sender_mode(self) -> Literal["inline", "process", "external"]:
        """Where `serve` runs the sender. Matrix keeps it inline: its deliveries go through the
        client of the sync loop, which runs in the web process (README, "The sender process")."""
        if self.has_matrix_credentials:
            return "inline"
        if self.sender is not None:
            return self.sender
        return "process" if self.on_postgresql else "inline"

    def process_refusal(self) -> str | None:
        """Why the sender cannot run in a process of its own here, if it cannot."""
        if not self.on_postgresql:
            return (
                "SENDER=process needs PostgreSQL: the web process wakes the sender's process "
                "with NOTIFY, which SQLite does not have (and SQLite takes one writer at a "
                "time, so a second process would only queue behind the first). Unset SENDER "
                "or set SENDER=inline to run the sender in the web process."
            )
        return None

    @property
    def oauth_mode(self) -> bool:
        """Installs per workspace: client id and secret set, and no single bot token."""
        return (
            self.slack_bot_token is None
            and self.slack_client_id is not None
            and self.slack_client_secret is not None
        )

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    def secret_values(self) -> list[str]:
        """The values the logs must never show, whatever their shape."""
        secrets = (
            self.slack_bot_token,
            self.slack_signing_secret,
            self.slack_app_token,
            self.slack_client_secret,
            self.matrix_access_token,
            self.matrix_password,
        )
        return [s.get_secret_value() for s in secrets if s is not None]

    @property
    def has_slack_credentials(self) -> bool:
        """Any of them set means the operator meant real Slack; none means the playground."""
        return any(
            secret is not None
            for secret in (
                self.slack_bot_token,
                self.slack_signing_secret,
                self.slack_app_token,
                self.slack_client_id,
                self.slack_client_secret,
            )
        )

    @property
    def has_matrix_credentials(self) -> bool:
        """Any MATRIX_* set means the operator meant a homeserver."""
        return any(
            value is not None
            for value in (
                self.matrix_homeserver,
                self.matrix_user,
                self.matrix_access_token,
                self.matrix_password,
            )
        )

    def missing_matrix_credentials(self) -> list[str]:
        missing = []
        if self.matrix_homeserver is None:
            missing.append("MATRIX_HOMESERVER")
        if self.matrix_user is None:
            missing.append("MATRIX_USER")
        if self.matrix_access_token is None and self.matrix_password is None:
            missing.append("MATRIX_ACCESS_TOKEN (or MATRIX_PASSWORD)")
        return missing

    def missing_credentials(self) -> list[str]:
        """What serve needs and does not have, named as the environment variables."""
        missing = []
        if self.slack_bot_token is None and not self.oauth_mode:
            missing.append("SLACK_BOT_TOKEN (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)")
        if self.slack_signing_secret is None and not self.socket_mode:
            missing.append("SLACK_SIGNING_SECRET")
        return missing
