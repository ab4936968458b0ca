"""Settings from the environment, read once in `__main__` and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

SLACK_API_DEFAULT = "https://slack.com/api/"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    # Every WebClient the bot builds gets this; without it slack_sdk silently talks to slack.com.
    slack_api_url: str = SLACK_API_DEFAULT
    database_url: str = Field(
        default_factory=lambda: f"sqlite:///{Path('forvaltningsbot.db').resolve()}"
    )
    port: int = Field(default=3000, ge=0, le=65535)  # 0: any free port (tests)
    host: str = "0.0.0.0"  # noqa: S104  (a container's port must be reachable from outside)
    threads: int = Field(default=8, ge=1, le=64)
    log_level: str = "INFO"

    @property
    def api_url(self) -> str:
        return self.slack_api_url if self.slack_api_url.endswith("/") else self.slack_api_url + "/"

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def has_slack_credentials(self) -> bool:
        """Any of them set means the operator meant real Slack; none means the playground."""
        return any(
            secret is not None
            for secret in (self.slack_bot_token, self.slack_signing_secret, self.slack_app_token)
        )

    def missing_credentials(self) -> list[str]:
        """What serve needs and does not have, named as the environment variables."""
        missing = []
        if self.slack_bot_token is None:
            missing.append("SLACK_BOT_TOKEN")
        if self.slack_signing_secret is None and not self.socket_mode:
            missing.append("SLACK_SIGNING_SECRET")
        return missing
