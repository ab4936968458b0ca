"""What one person's Slack window shows, as the HTML and JSON the playground page inserts.

Everything the workspace holds passes through `render`, which escapes it; the page's script
inserts only this and writes everything else with `textContent`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.emulator import render
from bot.emulator.directory import User
from bot.emulator.history import Ephemeral, Message
from bot.emulator.ledger import JsonDict
from bot.emulator.views import View

LABELS: dict[str, dict[str, str]] = {
    "sv": {
        "only_you": "Endast synlig för dig",
        "edited": "(redigerat)",
        "empty": "Inga meddelanden här ännu.",
        "home_loading": "Hem öppnas …",
        "thread": "svar i tråd",
        "home": "Hem",
        "messages": "Meddelanden",
    },
    "en": {
        "only_you": "Only visible to you",
        "edited": "(edited)",
        "empty": "No messages here yet.",
        "home_loading": "Opening Home …",
        "thread": "reply in thread",
        "home": "Home",
        "messages": "Messages",
    },
}

Item = Message | Ephemeral


def lang(user: User) -> str:
    return "en" if user.locale.lower().startswith("en") else "sv"


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def item_ts(item: Item) -> str:
    return item.ts if isinstance(item, Message) else item.message_ts


def conversation_html(
    items: list[Item],
    me: User,
    names: render.Directory,
    language: str,
    *,
    bot_user_id: str,
    users: Mapping[str, User],
    echo: Mapping[tuple[str, str], str],
) -> str:
    """The conversation's messages and `me`'s ephemeral replies, oldest first.

    `echo` holds the command each ephemeral reply answered, shown above it as Slack does.
    """
    labels = LABELS[language]
    if not items:
        return f'<p class="empty">{render.esc(labels["empty"])}</p>'
    zone = _zone(me.tz)
    return "".join(
        _item_html(item, names, labels, zone, bot_user_id, users, echo) for item in items
    )


def _item_html(
    item: Item,
    names: render.Directory,
    labels: Mapping[str, str],
    zone: tzinfo,
    bot_user_id: str,
    users: Mapping[str, User],
    echo: Mapping[tuple[str, str], str],
) -> str:
    if isinstance(item, Message):
        ts, author_id, ephemeral = item.ts, item.user, False
    else:
        ts, author_id, ephemeral = item.message_ts, bot_user_id, True
    author = users.get(author_id)
    when = datetime.fromtimestamp(float(ts), tz=zone).strftime("%H:%M")
    head = [f'<span class="author">{render.esc(author.real_name if author else author_id)}</span>']
    if author is not None and author.is_bot:
        head.append('<span class="app-badge">APP</span>')
    head.append(f'<time title="{render.esc(ts)}">{when}</time>')
    classes = ["msg"]
    notes = []
    if isinstance(item, Message):
        if item.edited:
            head.append(f'<span class="edited">{render.esc(labels["edited"])}</span>')
        if item.thread_ts and item.thread_ts != item.ts:
            classes.append("reply")
            notes.append(render.esc(labels["thread"]))
    if ephemeral:
        classes.append("ephemeral")
        typed = echo.get((item.channel, ts))
        notes.append(render.esc(labels["only_you"]))
        if typed:
            notes.append(f"<code>{render.esc(typed)}</code>")
    attrs = {
        "class": " ".join(classes),
        "data-container": "message",
        "data-channel": item.channel,
        "data-ts": ts,
    }
    note = f'<div class="note">{" · ".join(notes)}</div>' if notes else ""
    body = render.message_body(item.text, item.blocks, names)
    if isinstance(item, Message) and item.files:
        body += render.files(item.files)
    attr_text = "".join(f' {k}="{render.esc(v)}"' for k, v in attrs.items())
    return (
        f'<div{attr_text}><div class="msg-head">{"".join(head)}</div>{note}'
        f'<div class="msg-body">{body}</div></div>'
    )


def home_html(view: View | None, names: render.Directory, language: str) -> str:
    if view is None:
        return f'<p class="empty">{render.esc(LABELS[language]["home_loading"])}</p>'
    return (
        f'<div class="home" data-container="view" data-view="{render.esc(view.id)}">'
        f"{render.blocks(view.blocks, names)}</div>"
    )


def modal_json(
    view: View | None, names: render.Directory, errors: Mapping[str, str]
) -> JsonDict | None:
    """The topmost open modal, with the errors the bot answered its last submit with."""
    if view is None:
        return None

    def label(key: str, default: str) -> str:
        obj = view.payload.get(key)
        return str(obj.get("text", default)) if isinstance(obj, dict) else default

    return {
        "id": view.id,
        "hash": view.hash + json.dumps(dict(errors), sort_keys=True),
        "title": label("title", ""),
        "submit": label("submit", "") if view.payload.get("submit") else "",
        "close": label("close", "Avbryt"),
        "html": render.blocks(view.blocks, names, errors),
    }
