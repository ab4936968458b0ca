"""OAuth installs: several workspaces, install codes, bot tokens and their rotation, Grid orgs
(a workspace's install, or one org-wide install for them all), and uninstalling."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from bot.emulator.ledger import JsonDict, Ledger, Team


@dataclass
class IssuedToken:
    # The workspace it was issued in (for an org-wide install, the installer's).
    team_id: str
    expires_at: float | None  # on the state's clock; None: never expires
    # An org-wide install's token: it acts in every workspace of this Grid org, and no other.
    org_wide_in: str | None = None


class Installs(Ledger):
    """Each workspace gets its own bot tokens; the default team keeps `bot.token`, so
    single-workspace tests see no difference."""

    def __init__(self) -> None:
        super().__init__()
        self.teams: dict[str, Team] = {self.team.id: self.team}
        self._tokens: dict[str, IssuedToken] = {}
        self._codes: dict[str, tuple[str, str]] = {}
        self._refresh_tokens: dict[str, IssuedToken] = {}
        self.token_rotation = False
        self.token_lifetime = 12 * 3600  # seconds an issued token lives (with token_rotation)
        self.bot_scopes = "commands,chat:write"
        # The app's registered Redirect URL, used when the authorize request names none.
        self.redirect_uri: str | None = None
        # Grid orgs whose admin installs the app org-wide (`is_enterprise_install`).
        self.org_wide: set[str] = set()
        self._default_revoked = False

    def add_team(
        self, name: str, *, team_id: str | None = None, enterprise_id: str | None = None
    ) -> Team:
        """A workspace; with `enterprise_id`, one of that Grid org's."""
        with self.lock:
            tid = team_id or self.new_id("T")
            team = Team(id=tid, name=name, domain=tid.lower(), enterprise_id=enterprise_id)
            self.teams[tid] = team
            return team

    def uninstall(self, team_id: str) -> None:
        """An admin removed the app (or revoked its bot token): every bot token issued for the
        workspace's own install stops working, the default one too for the default team. Send
        the bot the matching event with `SlackRequester.app_uninstalled` / `tokens_revoked`."""
        with self.lock:
            self._revoke(lambda grant: grant.team_id == team_id and grant.org_wide_in is None)
            if team_id == self.team.id:
                self._default_revoked = True

    def uninstall_org(self, enterprise_id: str) -> None:
        """An org admin removed the org-wide install: its tokens stop working in every
        workspace of the org (a workspace's own install stays)."""
        with self.lock:
            self._revoke(lambda grant: grant.org_wide_in == enterprise_id)

    def _revoke(self, gone: Callable[[IssuedToken], bool]) -> None:
        with self.lock:
            for token in [t for t, issued in self._tokens.items() if gone(issued)]:
                del self._tokens[token]
            for refresh in [r for r, grant in self._refresh_tokens.items() if gone(grant)]:
                del self._refresh_tokens[refresh]

    def issue_code(self, team_id: str, *, user_id: str = "UINSTALLER") -> str:
        """A one-time code as Slack's authorize page hands to the redirect URL."""
        with self.lock:
            if team_id not in self.teams:
                raise KeyError(team_id)
            code = f"code-{secrets.token_hex(8)}"
            self._codes[code] = (team_id, user_id)
            return code

    def issue_token(self, team_id: str, *, org_wide_in: str | None = None) -> JsonDict:
        """A new bot token for the team (or, `org_wide_in`, for its whole org), with refresh
        token and lifetime if rotation is on."""
        with self.lock:
            # An org-wide token names its org, so a test can tell the orgs' tokens apart.
            token = f"xoxb-{org_wide_in or team_id}-{secrets.token_hex(8)}"
            if self.token_rotation:
                token = f"xoxe.{token}"
            out: JsonDict = {"access_token": token, "token_type": "bot"}
            expires_at = None
            if self.token_rotation:
                refresh = f"xoxe-1-{secrets.token_hex(8)}"
                self._refresh_tokens[refresh] = IssuedToken(team_id, None, org_wide_in)
                expires_at = self._clock() + self.token_lifetime
                out.update(refresh_token=refresh, expires_in=self.token_lifetime)
            self._tokens[token] = IssuedToken(team_id, expires_at, org_wide_in)
            return out

    def exchange_code(self, code: str) -> JsonDict | None:
        """oauth.v2.access with a code: None if it is unknown or used."""
        with self.lock:
            issued = self._codes.pop(code, None)
            if issued is None:
                return None
            team_id, user_id = issued
            return {**self._grant(team_id), "authed_user": {"id": user_id}}

    def refresh(self, refresh_token: str) -> JsonDict | None:
        with self.lock:
            grant = self._refresh_tokens.get(refresh_token)
            return None if grant is None else self._grant(grant.team_id)

    def _grant(self, team_id: str) -> JsonDict:
        """oauth.v2.access's answer. On Grid it names the org; an org-wide install names no
        team (https://docs.slack.dev/enterprise/developing-for-enterprise-orgs)."""
        team = self.teams[team_id]
        org = team.enterprise_id
        org_wide = org is not None and org in self.org_wide
        return {
            **self.issue_token(team_id, org_wide_in=org if org_wide else None),
            "scope": self.bot_scopes,
            "bot_user_id": self.bot.user_id,
            "app_id": self.bot.app_id,
            "team": None if org_wide else {"id": team.id, "name": team.name},
            "enterprise": None if org is None else {"id": org, "name": f"Org {org}"},
            "is_enterprise_install": org_wide,
        }

    def grant_of(self, token: str) -> IssuedToken | None:
        """What a token was issued as (a copy); None for the default token or an unknown one."""
        with self.lock:
            issued = self._tokens.get(token)
            return None if issued is None else IssuedToken(**vars(issued))

    def reaches(self, token: str | None, team_id: str | None) -> bool:
        """Whether the token may see what belongs to the workspace (`team_id` None: to none in
        particular, as the fake's own users and channels): a workspace install's only its own
        workspace's, an org-wide install's every workspace of its org, and nothing of another
        org's, as Slack answers `channel_not_found` there."""
        if team_id is None:
            return True
        with self.lock:
            if token == self.bot.token:
                return team_id == self.team.id
            issued = self._tokens.get(token or "")
            if issued is None:
                return False
            if issued.org_wide_in is not None:
                team = self.teams.get(team_id)
                return team is not None and team.enterprise_id == issued.org_wide_in
            return issued.team_id == team_id

    def token_team(self, token: str) -> str | None:
        """The team a valid, unexpired bot token belongs to; None if it opens no door."""
        with self.lock:
            if token == self.bot.token:
                return None if self._default_revoked else self.team.id
            issued = self._tokens.get(token)
            if issued is None:
                return None
            if issued.expires_at is not None and issued.expires_at <= self._clock():
                return None
            return issued.team_id
