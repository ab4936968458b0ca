"""Block Kit and mrkdwn as HTML, for the playground page: readable, not pixel-perfect.

Everything that came from a message, a name or a view is escaped here, on the server, with
`html.escape`; the page only inserts what this module returns. One escaping point in typed,
tested Python is easier to trust than string building spread over the page's JavaScript.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]

# The few emoji the bot's messages use, and some that people type; the rest stay `:name:`.
EMOJI = {
    "white_circle": "⚪",
    "large_blue_circle": "🔵",
    "large_green_circle": "🟢",
    "white_check_mark": "✅",
    "heavy_check_mark": "✔️",
    "no_entry": "⛔",
    "heavy_minus_sign": "➖",
    "warning": "⚠️",
    "page_facing_up": "📄",
    "grey_question": "❔",
    "hourglass_flowing_sand": "⏳",
    "information_source": "ℹ️",
    "tada": "🎉",
    "ballot_box_with_check": "☑️",
    "x": "❌",
    "bell": "🔔",
    "calendar": "📆",
    "memo": "📝",
    "thumbsup": "👍",
    "+1": "👍",
    "thumbsdown": "👎",
    "-1": "👎",
    "scroll": "📜",
    "loudspeaker": "📢",
    "lock": "🔒",
}

SAFE_SCHEMES = ("http://", "https://", "mailto:")

# One pass over mrkdwn finds the leftmost of: a code block, inline code, an angle token
# (link, mention, channel), or bold/italic/strike. Markers only count at word boundaries, as in
# Slack, so `ej_aktuell` and `2*3*4` stay as typed.
_TOKEN = re.compile(
    r"```(?P<pre>.+?)```"
    r"|`(?P<code>[^`\n]+)`"
    r"|<(?P<angle>[^<>\n]+)>"
    r"|(?<![\w*])\*(?P<bold>[^*\n]*[^*\s])\*(?![\w*])"
    r"|(?<![\w])_(?P<italic>[^_\n]*[^_\s])_(?![\w])"
    r"|(?<![\w~])~(?P<strike>[^~\n]*[^~\s])~(?![\w~])",
    re.DOTALL,
)
_EMOJI = re.compile(r":([a-z0-9_+\-]+):")


@dataclass(frozen=True)
class Directory:
    """Names for the ids that messages carry: users as people see them, channels by name."""

    users: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, str] = field(default_factory=dict)


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def slack_unescape(text: str) -> str:
    """Slack escapes only `& < >` in message text; undo exactly that, `&amp;` last."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _emoji(escaped: str) -> str:
    return _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), escaped)


def plain(text: str, *, emoji: bool = True) -> str:
    """A plain_text object's text: escaped, with emoji codes shown as emoji."""
    escaped = esc(text)
    return _emoji(escaped) if emoji else escaped


def _text(raw: str) -> str:
    return _emoji(esc(slack_unescape(raw)))


def _safe_url(url: str) -> str | None:
    return url if url.lower().startswith(SAFE_SCHEMES) else None


def _link(url: str, label: str) -> str:
    safe = _safe_url(url)
    if safe is None:
        return f'<span class="link-blocked">{esc(label)}</span>'
    return f'<a href="{esc(safe)}" target="_blank" rel="noopener noreferrer">{esc(label)}</a>'


def files(shared: list[JsonDict]) -> str:
    """The files a message shares, as links to their bytes (`url_private`, the fake's own)."""
    out = []
    for f in shared:
        link = _link(str(f.get("url_private", "")), str(f.get("title") or f.get("name")))
        out.append(
            f'<div class="file">📄 {link} <span class="note">{esc(f.get("name"))}</span></div>'
        )
    return "".join(out)


def _angle(token: str, names: Directory) -> str:
    target, _, label = token.partition("|")
    if target.startswith("@"):
        uid = target[1:]
        name = names.users.get(uid) or slack_unescape(label) or uid
        return f'<span class="mention" data-user="{esc(uid)}">@{esc(name)}</span>'
    if target.startswith("#"):
        cid = target[1:]
        name = names.channels.get(cid) or slack_unescape(label) or cid
        return f'<a href="#" class="channel-link" data-channel="{esc(cid)}">#{esc(name)}</a>'
    if target.startswith("!"):
        special = target[1:]
        if special in ("here", "channel", "everyone"):
            return f'<span class="mention">@{esc(special)}</span>'
        # <!date^…|fallback>, <!subteam^…|@group>: Slack shows the fallback text.
        return f'<span class="mention">{esc(slack_unescape(label) or special)}</span>'
    url = slack_unescape(target)
    return _link(url, slack_unescape(label) or url)


def mrkdwn(text: str, names: Directory) -> str:
    """Slack mrkdwn as HTML: *bold*, _italic_, ~strike~, `code`, links, mentions, channels."""
    out: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        out.append(_text(text[position : match.start()]))
        position = match.end()
        kind = match.lastgroup
        inner = match.group(kind) if kind else ""
        if kind == "pre":
            out.append(f"<pre>{esc(slack_unescape(inner))}</pre>")
        elif kind == "code":
            out.append(f"<code>{esc(slack_unescape(inner))}</code>")
        elif kind == "angle":
            out.append(_angle(inner, names))
        elif kind == "bold":
            out.append(f"<strong>{mrkdwn(inner, names)}</strong>")
        elif kind == "italic":
            out.append(f"<em>{mrkdwn(inner, names)}</em>")
        elif kind == "strike":
            out.append(f"<del>{mrkdwn(inner, names)}</del>")
    out.append(_text(text[position:]))
    return "".join(out)


def text_object(obj: Any, names: Directory) -> str:
    """A Block Kit text object (mrkdwn or plain_text) as HTML; anything else renders empty."""
    if not isinstance(obj, dict):
        return ""
    text = str(obj.get("text", ""))
    if obj.get("type") == "mrkdwn":
        return mrkdwn(text, names)
    return plain(text, emoji=obj.get("emoji", True) is not False)


def _attrs(values: Mapping[str, object | None]) -> str:
    return "".join(f' {name}="{esc(value)}"' for name, value in values.items() if value is not None)


def element(el: Any, block_id: str, names: Directory) -> str:
    """An interactive element: buttons work; other kinds are named so nothing hides silently."""
    if not isinstance(el, dict):
        return ""
    kind = str(el.get("type", ""))
    if kind == "button":
        style = el.get("style")
        classes = "bk-button" + (f" bk-{style}" if style in ("primary", "danger") else "")
        attrs = _attrs(
            {
                "type": "button",
                "class": classes,
                "data-action-id": el.get("action_id", ""),
                "data-block-id": block_id,
                "data-value": el.get("value"),
            }
        )
        label = text_object(el.get("text"), names)
        url = el.get("url")
        if isinstance(url, str) and _safe_url(url):
            # Slack opens the URL and also tells the app; the link does the first part.
            return _link(url, str((el.get("text") or {}).get("text", url)))
        return f"<button{attrs}>{label}</button>"
    if kind == "image":
        return f'<span class="bk-image">[{esc(el.get("alt_text", "image"))}]</span>'
    return f'<span class="bk-unsupported">[{esc(kind or "element")}]</span>'


def _input(block: JsonDict, block_id: str, names: Directory, errors: Mapping[str, str]) -> str:
    el = block.get("element")
    el = el if isinstance(el, dict) else {}
    label = text_object(block.get("label"), names)
    optional = ' <span class="bk-optional">(optional)</span>' if block.get("optional") else ""
    parts = [f'<label class="bk-label">{label}{optional}']
    if el.get("type") == "plain_text_input":
        attrs = _attrs(
            {
                "class": "bk-field",
                "data-block-id": block_id,
                "data-action-id": el.get("action_id", ""),
                "maxlength": el.get("max_length"),
                "placeholder": (el.get("placeholder") or {}).get("text"),
            }
        )
        initial = esc(el.get("initial_value", ""))
        if el.get("multiline"):
            parts.append(f'<textarea{attrs} rows="4">{initial}</textarea>')
        else:
            parts.append(f'<input type="text"{attrs} value="{initial}">')
    else:
        parts.append(element(el, block_id, names))
    parts.append("</label>")
    hint = block.get("hint")
    if hint:
        parts.append(f'<div class="bk-hint">{text_object(hint, names)}</div>')
    if block_id in errors:
        parts.append(f'<div class="bk-error" role="alert">{esc(errors[block_id])}</div>')
    return f'<div class="bk-input">{"".join(parts)}</div>'


def _rich_text(obj: Any) -> str:
    """The characters of a rich_text block, without its styling: readable is enough here."""
    if isinstance(obj, dict):
        if obj.get("type") == "text":
            return str(obj.get("text", ""))
        if obj.get("type") == "link":
            return str(obj.get("text") or obj.get("url", ""))
        return "".join(_rich_text(e) for e in obj.get("elements", []))
    if isinstance(obj, list):
        return "".join(_rich_text(e) for e in obj)
    return ""


def block(b: Any, index: int, names: Directory, errors: Mapping[str, str] | None = None) -> str:
    if not isinstance(b, dict):
        return ""
    kind = str(b.get("type", ""))
    # Slack fills in a block_id when the app gave none; the emulator's buttons use `b<index>`.
    block_id = str(b.get("block_id", f"b{index}"))
    if kind == "header":
        return f'<h3 class="bk-header">{text_object(b.get("text"), names)}</h3>'
    if kind == "divider":
        return '<hr class="bk-divider">'
    if kind == "section":
        parts = []
        if b.get("text"):
            parts.append(f'<div class="bk-text">{text_object(b.get("text"), names)}</div>')
        fields = b.get("fields")
        if isinstance(fields, list) and fields:
            cells = "".join(f'<div class="bk-f">{text_object(f, names)}</div>' for f in fields)
            parts.append(f'<div class="bk-fields">{cells}</div>')
        body = f'<div class="bk-section-body">{"".join(parts)}</div>'
        accessory = b.get("accessory")
        side = (
            f'<div class="bk-accessory">{element(accessory, block_id, names)}</div>'
            if accessory
            else ""
        )
        return f'<div class="bk-section">{body}{side}</div>'
    if kind == "context":
        items = []
        for el in b.get("elements", []):
            if isinstance(el, dict) and el.get("type") in ("mrkdwn", "plain_text"):
                items.append(f"<span>{text_object(el, names)}</span>")
            else:
                items.append(element(el, block_id, names))
        return f'<div class="bk-context">{"".join(items)}</div>'
    if kind == "actions":
        buttons = "".join(element(el, block_id, names) for el in b.get("elements", []))
        return f'<div class="bk-actions">{buttons}</div>'
    if kind == "input":
        return _input(b, block_id, names, errors or {})
    if kind == "image":
        return f'<div class="bk-image">[{esc(b.get("alt_text", "image"))}]</div>'
    if kind == "rich_text":
        return f'<div class="bk-text">{_text(_rich_text(b))}</div>'
    return f'<div class="bk-unsupported">[{esc(kind or "block")}]</div>'


def blocks(items: Iterable[Any], names: Directory, errors: Mapping[str, str] | None = None) -> str:
    return "".join(block(b, i, names, errors) for i, b in enumerate(items))


def message_body(text: str, items: list[JsonDict], names: Directory) -> str:
    """Blocks when there are any, as Slack shows them; else the text as mrkdwn."""
    if items:
        return blocks(items, names)
    return f'<div class="bk-text">{mrkdwn(text, names)}</div>'
