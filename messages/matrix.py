"""Matrix's format of every message: an `m.notice`'s HTML and its plain-text body.

Every render function writes Slack's mrkdwn (where only `& < >` are escaped and entities are
`<@user>`, `<#channel>` and `<url|label>`); this turns such a message into HTML for Element and
plain text for the `body`, so both platforms say the same words from the same templates. People
become pills (`https://matrix.to/#/@anna:example.org`), rooms links to the room. Buttons have no
Matrix form: the adapter says what to write or react instead.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from urllib.parse import quote

from messages.blocks import Block
from messages.environment import macros
from messages.message import Message

MATRIX_TO = "https://matrix.to/#/"
PREFIX = "!forvaltning"
# The few Slack emoji codes the templates use, as the characters Element shows.
EMOJI = {
    "ballot_box_with_ballot": "🗳️",
    "white_check_mark": "✅",
    "x": "❌",
    "white_circle": "⚪",
    "heavy_minus_sign": "➖",
    "hourglass_flowing_sand": "⏳",
    "warning": "⚠️",
    "bell": "🔔",
    "calendar": "📅",
    "tada": "🎉",
    "memo": "📝",
    "rotating_light": "🚨",
    "no_entry": "⛔",
    "information_source": "ℹ️",
    "lock": "🔒",
    "pushpin": "📌",
    "clipboard": "📋",
    "mailbox": "📫",
}
_ENTITY = re.compile(r"<([^<>]*)>")
_ROOM = re.compile(r"<#(![^<>|]+)>")
Names = Mapping[str, str]
NO_NAMES: Names = {}
_EMOJI = re.compile(r":([a-z0-9_+-]+):")
_STYLES = (
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), "b"),
    (re.compile(r"(?<![\w])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w])"), "i"),
    (re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])"), "del"),
    (re.compile(r"`([^`\n]+)`"), "code"),
)


@dataclass(frozen=True, slots=True)
class Notice:
    """An `m.notice`'s content: `body` for any client, `html` (org.matrix.custom.html)."""

    body: str
    html: str

    def content(self) -> dict[str, str]:
        return {
            "msgtype": "m.notice",
            "body": self.body,
            "format": "org.matrix.custom.html",
            "formatted_body": self.html,
        }


def _emoji(text: str) -> str:
    return _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)


def _entity_html(match: re.Match[str], names: Names = NO_NAMES) -> str:
    inner = match.group(1)
    if inner.startswith(("@", "#")) and "|" not in inner:
        target = html.unescape(inner[1:])
        href = MATRIX_TO + quote(target, safe="@:!#")
        label = names.get(target, target)
        return f'<a href="{html.escape(href)}">{html.escape(label)}</a>'
    url, _, label = inner.partition("|")
    # The text is mrkdwn-escaped already, so `url` and `label` are safe inside HTML as they are.
    return f'<a href="{url.replace(chr(34), "%22")}">{label or url}</a>'


def _entity_plain(match: re.Match[str], names: Names = NO_NAMES) -> str:
    inner = match.group(1)
    if inner.startswith(("@", "#")) and "|" not in inner:
        target = html.unescape(inner[1:])
        return names.get(target, target)
    url, _, label = inner.partition("|")
    return f"{label} ({url})" if label and label != url else url


def _styled(text: str) -> str:
    for pattern, tag in _STYLES:
        text = pattern.sub(lambda m, t=tag: f"<{t}>{m.group(1)}</{t}>", text)  # type: ignore[misc]
    return text


def mrkdwn_html(text: str, names: Names = NO_NAMES) -> str:
    """One mrkdwn text as HTML: entities as links and pills (a room by its name in `names`,
    if it has one), styles as tags, lines kept."""
    lines: list[str] = []
    for line in _emoji(text).split("\n"):
        quoted = line.startswith("&gt; ")
        body = line[len("&gt; ") :] if quoted else line
        parts = _ENTITY.split(body)
        # Styles apply to the text between entities only, so a URL's `_` stays a `_`.
        rendered = "".join(
            _styled(part) if i % 2 == 0 else _entity_html(_ENTITY.match(f"<{part}>"), names)  # type: ignore[arg-type]
            for i, part in enumerate(parts)
        )
        lines.append(f"<blockquote>{rendered}</blockquote>" if quoted else rendered)
    return "<br>".join(lines).replace("</blockquote><br><blockquote>", "<br>")


def mrkdwn_plain(text: str, names: Names = NO_NAMES) -> str:
    """One mrkdwn text as plain text: entities as ids (a room by its name in `names`) and
    `label (url)`, styles dropped (but code's backticks, which say "write this"), escapes
    undone."""
    parts = _ENTITY.split(_emoji(text))
    plain = "".join(
        _unstyled(part) if i % 2 == 0 else _entity_plain(_ENTITY.match(f"<{part}>"), names)  # type: ignore[arg-type]
        for i, part in enumerate(parts)
    )
    return html.unescape(plain)


def _unstyled(text: str) -> str:
    for pattern, tag in _STYLES:
        if tag != "code":
            text = pattern.sub(lambda m: m.group(1), text)
    return text


def _block(block: Block, as_text: Callable[[str], str], *, plain: bool) -> str | None:
    kind = block.get("type")
    if kind == "header":
        title = str(block["text"]["text"])  # plain_text: nothing escaped
        return title if plain else f"<h4>{html.escape(title)}</h4>"
    if kind == "section" and "text" in block:
        return as_text(str(block["text"]["text"]))
    if kind == "context":
        texts = [as_text(str(e.get("text", ""))) for e in block.get("elements", [])]
        return " ".join(texts) if plain else f"<i>{' '.join(texts)}</i>"
    if kind == "divider":
        return "" if plain else "<hr>"
    return None  # buttons and inputs: Matrix has none; the adapter says what to write instead


def _as_matrix(text: str) -> str:
    # The templates name the command as Slack's slash command; in Matrix it is a message.
    return text.replace("/forvaltning", PREFIX)


def rooms_in(message: Message) -> frozenset[str]:
    """The room ids a message mentions (`<#!abc:x.se>`), for the adapter to look their names up."""
    texts = [message.text, json.dumps(message.blocks, ensure_ascii=False)]
    return frozenset(html.unescape(m) for t in texts for m in _ROOM.findall(t))


def notice(message: Message, *, footer: str | None = None, names: Names = NO_NAMES) -> Notice:
    """The message as a Matrix notice; `footer` (plain text) replaces its buttons, if any;
    a room is shown by its name in `names` (room id -> name), else by its id."""
    as_html, as_plain = partial(mrkdwn_html, names=names), partial(mrkdwn_plain, names=names)
    if not message.blocks:
        html_parts = [as_html(message.text)]
        plain_parts = [as_plain(message.text)]
    else:
        html_parts = [
            p for b in message.blocks if (p := _block(b, as_html, plain=False)) is not None
        ]
        plain_parts = [
            p for b in message.blocks if (p := _block(b, as_plain, plain=True)) is not None
        ]
    if footer:
        html_parts.append(f"<i>{html.escape(footer)}</i>")
        plain_parts.append(footer)
    return Notice(
        body=_as_matrix("\n\n".join(p for p in plain_parts if p)),
        html=_as_matrix("<br><br>".join(p for p in html_parts if p)),
    )


def _say(name: str, lang: str, *args: str) -> str:
    return str(getattr(macros("matrix.md.j2", lang), name)(*args)).strip()


def vote_hint(lang: str) -> str:
    """What replaces the vote message's buttons: the reactions and the command."""
    return _say("vote_hint", lang)


def owner_hint(lang: str) -> str:
    """Under "you own …": the commands, in the project's room."""
    return _say("owner_hint", lang)


def reminder_hint(lang: str) -> str:
    """What replaces a reminder's buttons: a reply to it, an activity's number the choice."""
    return _say("reminder_hint", lang)


def justering_hint(lang: str) -> str:
    """What replaces *Justera* / *Begär ändring…*: a reaction, or the commands."""
    return _say("justering_hint", lang)


def jav_ruling_hint(lang: str) -> str:
    """What replaces *Jävig* / *Inte jävig*: a reaction."""
    return _say("jav_ruling_hint", lang)


def language_set(code: str, lang: str) -> Notice:
    return notice(Message(text=_say("language_set", lang, code)))


def language_usage(lang: str) -> Notice:
    return notice(Message(text=_say("language_usage", lang)))


def vote_usage(lang: str) -> Notice:
    return notice(Message(text=_say("vote_usage", lang)))


def encrypted_room(lang: str) -> Notice:
    return notice(Message(text=_say("encrypted", lang)))
