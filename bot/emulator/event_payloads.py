"""The Events API payloads Slack sends the bot, built from the fake workspace."""

from __future__ import annotations

from bot.emulator.ledger import JsonDict
from bot.emulator.origin import HOME, Origin
from bot.emulator.payloads import VERIFICATION_TOKEN, view_json
from bot.emulator.server import FakeSlack


def event_callback(
    fake: FakeSlack, event: JsonDict, *, event_id: str, now: int, origin: Origin = HOME
) -> JsonDict:
    """The `event_callback` envelope Slack wraps an event in. `authorizations` names the
    installation the event is delivered for: on an org-wide install the org, with no team."""
    state = fake.state
    team = origin.team(fake)
    envelope: JsonDict = {
        "token": VERIFICATION_TOKEN,
        "team_id": team,
        "api_app_id": state.bot.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": now,
        "authorizations": [
            {
                "enterprise_id": origin.enterprise_id,
                "team_id": None if origin.is_enterprise_install else team,
                "user_id": state.bot.user_id,
                "is_bot": True,
                "is_enterprise_install": origin.is_enterprise_install,
            }
        ],
        "is_ext_shared_channel": origin.connect,
    }
    if origin.enterprise_id is not None:
        envelope["enterprise_id"] = origin.enterprise_id
    return envelope


def direct_message(fake: FakeSlack, user_id: str, text: str) -> JsonDict:
    """`message.im`: `user_id` wrote `text` to the bot in its Messages tab (stored there)."""
    state = fake.state
    im, _ = state.open_im(user_id)
    ts = state.next_ts()
    return {
        "type": "message",
        "channel": im.id,
        "user": user_id,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "im",
    }


def app_uninstalled() -> JsonDict:
    """Slack's `app_uninstalled` event: nothing but its type (the envelope says where)."""
    return {"type": "app_uninstalled"}


def tokens_revoked(*, bot: list[str], oauth: list[str]) -> JsonDict:
    """Slack's `tokens_revoked`: the user ids whose user (`oauth`) and bot tokens went."""
    return {"type": "tokens_revoked", "tokens": {"oauth": oauth, "bot": bot}}


def app_home_opened(fake: FakeSlack, user_id: str, *, tab: str) -> JsonDict:
    state = fake.state
    im, _ = state.open_im(user_id)
    event: JsonDict = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": im.id,
        "tab": tab,
        "event_ts": state.next_ts(),
    }
    home = state.home_view(user_id)
    if home is not None:
        event["view"] = view_json(fake, home)
    return event
