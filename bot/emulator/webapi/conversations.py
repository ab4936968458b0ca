"""users.info and conversations.*: the directory as the bot reads it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.emulator.ledger import JsonDict
from bot.emulator.webapi.context import Context, Handler, SlackError
from bot.emulator.webapi.pages import page


def _tz_offset(tz: str) -> tuple[int, str]:
    try:
        offset = datetime.now(UTC).astimezone(ZoneInfo(tz)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return 0, tz
    return int(offset.total_seconds()) if offset else 0, tz


def users_info(ctx: Context) -> JsonDict:
    state = ctx.state
    user = ctx.user(ctx.text("user"))
    offset, label = _tz_offset(user.tz)
    profile: JsonDict = {
        "real_name": user.real_name,
        "real_name_normalized": user.real_name,
        "display_name": user.name,
        "display_name_normalized": user.name,
        "team": user.team_id or state.team.id,
    }
    if user.bot_id:
        profile["bot_id"] = user.bot_id
    out: JsonDict = {
        "id": user.id,
        "team_id": user.team_id or state.team.id,
        "name": user.name,
        "deleted": False,
        "real_name": user.real_name,
        "tz": user.tz,
        "tz_label": label,
        "tz_offset": offset,
        "is_admin": False,
        "is_owner": False,
        "is_bot": user.is_bot,
        "is_app_user": False,
        "updated": 0,
        "profile": profile,
    }
    if ctx.flag("include_locale"):
        out["locale"] = user.locale
    return {"user": out}


def conversations_open(ctx: Context) -> JsonDict:
    if ctx.params.get("channel"):
        channel = ctx.channel(ctx.text("channel"))
        existed = True
    else:
        users = [u.strip() for u in ctx.text("users").split(",") if u.strip()]
        if not users:
            raise SlackError("users_list_not_supplied")
        if len(users) > 1:
            # Group DMs are not something this bot sends; fail loudly rather than fake it.
            raise SlackError("not_supported", messages=["the emulator opens 1:1 IMs only"])
        ctx.user(users[0])
        channel, existed = ctx.state.open_im(users[0])
    bot = ctx.state.bot.user_id
    out: JsonDict = {
        "channel": channel.to_slack(bot) if ctx.flag("return_im") else {"id": channel.id}
    }
    if existed:
        out.update({"no_op": True, "already_open": True})
    return out


def conversations_info(ctx: Context) -> JsonDict:
    channel = ctx.channel(ctx.text("channel"))
    info = channel.to_slack(ctx.state.bot.user_id)
    if ctx.flag("include_num_members"):
        info["num_members"] = len(channel.members)
    return {"channel": info}


def conversations_history(ctx: Context) -> JsonDict:
    """Newest first, top-level messages only, as Slack; metadata only when asked for."""
    channel = ctx.channel(ctx.text("channel"))
    ctx.require_bot_in(channel)
    limit = max(1, min(int(ctx.params.get("limit") or 100), ctx.faults.limits.history_max))
    oldest = float(ctx.params.get("oldest") or 0)
    with_metadata = str(ctx.params.get("include_all_metadata", "")).lower() in ("1", "true")
    # The newest `limit` after `oldest`: in a busy channel an older one is beyond reach.
    since = [
        m.to_slack(ctx.state.team.id)
        for m in reversed(ctx.state.messages(channel.id))
        if m.thread_ts in (None, m.ts) and float(m.ts) > oldest
    ]
    found = since[:limit]
    if not with_metadata:
        for message in found:
            message.pop("metadata", None)
    return {"messages": found, "has_more": len(since) > limit}


def conversations_join(ctx: Context) -> JsonDict:
    channel = ctx.channel(ctx.text("channel"))
    if channel.is_private or channel.is_im:
        raise SlackError("method_not_supported_for_channel_type")
    bot = ctx.state.bot.user_id
    already = bot in channel.members
    channel.members.add(bot)
    out: JsonDict = {"channel": channel.to_slack(bot)}
    if already:
        out.update(
            {
                "warning": "already_in_channel",
                "response_metadata": {"warnings": ["already_in_channel"]},
            }
        )
    return out


def conversations_members(ctx: Context) -> JsonDict:
    """The channel's members, a page at a time (ids in a stable order)."""
    channel = ctx.channel(ctx.text("channel"))
    members, cursor = page(ctx, sorted(channel.members))
    return {"members": members, "response_metadata": {"next_cursor": cursor}}


def users_conversations(ctx: Context) -> JsonDict:
    """The conversations `user` (the bot, if none) is in that the bot can see, paginated."""
    user = ctx.text("user") or ctx.state.bot.user_id
    ctx.user(user)
    bot = ctx.state.bot.user_id
    types = {t.strip() for t in (ctx.text("types") or "public_channel").split(",")}
    found = [
        channel
        for channel in sorted(ctx.state.channels.values(), key=lambda c: c.id)
        if not channel.is_im
        and user in channel.members
        and ("private_channel" if channel.is_private else "public_channel") in types
        # A private channel the bot is not in is invisible to it, as in real Slack, and so
        # is another org's channel.
        and (not channel.is_private or bot in channel.members)
        and ctx.state.reaches(ctx.token, channel.team_id)
    ]
    shown, cursor = page(ctx, found)
    return {
        "channels": [c.to_slack(bot) for c in shown],
        "response_metadata": {"next_cursor": cursor},
    }


METHODS: dict[str, Handler] = {
    "users.info": users_info,
    "conversations.open": conversations_open,
    "conversations.info": conversations_info,
    "conversations.join": conversations_join,
    "conversations.history": conversations_history,
    "conversations.members": conversations_members,
    "users.conversations": users_conversations,
}
