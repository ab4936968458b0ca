"""auth.test and oauth.v2.access: who a token is, installs and token rotation."""

from __future__ import annotations

from bot.emulator.ledger import JsonDict
from bot.emulator.webapi.context import Context, Handler, SlackError


def auth_test(ctx: Context) -> JsonDict:
    state = ctx.state
    bot = state.bot
    team = state.teams.get(ctx.team_id or "", state.team)
    return {
        "url": ctx.base_url,
        "team": team.name,
        "user": bot.name,
        "team_id": team.id,
        "user_id": bot.user_id,
        "bot_id": bot.bot_id,
        "is_enterprise_install": False,
    }


def oauth_v2_access(ctx: Context) -> JsonDict:
    """Install (a code from the authorize page) or token rotation (a refresh token).

    The client id and secret (HTTP basic auth) are not checked: the fake knows no app.
    """
    grant = ctx.text("grant_type") or "authorization_code"
    if grant == "refresh_token":
        refreshed = ctx.state.refresh(ctx.text("refresh_token"))
        if refreshed is None:
            raise SlackError("invalid_refresh_token")
        return refreshed
    if grant != "authorization_code":
        raise SlackError("invalid_grant_type")
    installed = ctx.state.exchange_code(ctx.text("code"))
    if installed is None:
        raise SlackError("invalid_code")
    return installed


METHODS: dict[str, Handler] = {
    "auth.test": auth_test,
    "oauth.v2.access": oauth_v2_access,
}

# Methods that authenticate the app (client id and secret), not a token.
CLIENT_AUTH_METHODS = frozenset({"oauth.v2.access"})
