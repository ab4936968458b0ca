"""chat.*: posting, editing and deleting messages, ephemeral replies, permalinks."""

from __future__ import annotations

from bot.emulator.ledger import JsonDict
from bot.emulator.webapi.context import Context, Handler, SlackError


def chat_post_message(ctx: Context) -> JsonDict:
    channel = ctx.target(ctx.text("channel"))
    text, blocks = ctx.content()
    ctx.require_bot_in(channel)
    throttled = ctx.faults.channel_limit(channel.id)
    if throttled is not None:
        raise SlackError.from_fault(throttled)
    state = ctx.state
    metadata = ctx.params.get("metadata")
    message = state.post(
        channel.id,
        user=state.bot.user_id,
        text=text or "",
        blocks=blocks or [],
        thread_ts=ctx.text("thread_ts") or None,
        bot_id=state.bot.bot_id,
        metadata=metadata if isinstance(metadata, dict) else None,
    )
    return {
        "channel": channel.id,
        "ts": message.ts,
        "message": message.to_slack(state.team.id),
    }


def chat_update(ctx: Context) -> JsonDict:
    channel = ctx.channel(ctx.text("channel"))
    text, blocks = ctx.content()
    message = ctx.state.find_message(channel.id, ctx.text("ts"))
    if message is None:
        raise SlackError("message_not_found")
    if message.user != ctx.state.bot.user_id:
        raise SlackError("cant_update_message")
    # Slack keeps whichever of text and blocks the update leaves out.
    ctx.state.edit(
        message,
        text=message.text if text is None else text,
        blocks=message.blocks if blocks is None else blocks,
    )
    return {
        "channel": channel.id,
        "ts": message.ts,
        "text": message.text,
        "message": message.to_slack(ctx.state.team.id),
    }


def chat_delete(ctx: Context) -> JsonDict:
    channel = ctx.channel(ctx.text("channel"))
    message = ctx.state.find_message(channel.id, ctx.text("ts"))
    if message is None:
        raise SlackError("message_not_found")
    if message.user != ctx.state.bot.user_id:
        raise SlackError("cant_delete_message")
    message.deleted = True
    return {"channel": channel.id, "ts": message.ts}


def chat_post_ephemeral(ctx: Context) -> JsonDict:
    user = ctx.user(ctx.text("user"))
    channel = ctx.channel(ctx.text("channel"))
    text, blocks = ctx.content()
    ctx.require_bot_in(channel)
    if user.id not in channel.members:
        raise SlackError("user_not_in_channel")
    ephemeral = ctx.state.post_ephemeral(
        channel.id,
        user=user.id,
        text=text or "",
        blocks=blocks or [],
        thread_ts=ctx.text("thread_ts") or None,
    )
    return {"message_ts": ephemeral.message_ts}


def chat_get_permalink(ctx: Context) -> JsonDict:
    channel = ctx.channel(ctx.text("channel"))
    message = ctx.state.find_message(channel.id, ctx.text("message_ts"))
    if message is None:
        raise SlackError("message_not_found")
    link = f"{ctx.base_url}archives/{channel.id}/p{message.ts.replace('.', '')}"
    if message.thread_ts and message.thread_ts != message.ts:
        link += f"?thread_ts={message.thread_ts}&cid={channel.id}"
    return {"channel": channel.id, "permalink": link}


METHODS: dict[str, Handler] = {
    "chat.postMessage": chat_post_message,
    "chat.update": chat_update,
    "chat.delete": chat_delete,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.getPermalink": chat_get_permalink,
}
