"""What Slack's message box does to typed text before an app sees it.

With `should_escape: true` (the bot's manifest sets it) Slack sends `@anna` as `<@U…|anna>`,
`#allmant` as `<#C…|allmant>`, a web address as `<https://…>`, and a literal `& < >` as
`&amp; &lt; &gt;`. A name Slack does not know stays plain text, so the bot sees exactly what it
would see from real Slack when someone mistypes a name.
"""

from __future__ import annotations

import re

from bot.emulator.state import WorkspaceState

_TOKEN = re.compile(
    r"(?P<url>https?://[^\s<>]+)"
    r"|(?<![\w@])@(?P<user>[\w.\-]+)"
    r"|(?<![\w&#])#(?P<channel>[\w\-]+)"
    r"|(?P<special>[&<>])"
)
_SPECIAL = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Punctuation right after an address ends a sentence rather than belonging to the address.
_URL_TAIL = ".,;:!?)"


def escape_typed(text: str, state: WorkspaceState) -> str:
    with state.lock:
        users = {u.name.lower(): u for u in state.users.values()}
        channels = {c.name.lower(): c for c in state.channels.values() if not c.is_im}

    def replace(match: re.Match[str]) -> str:
        if match.group("url"):
            url = match.group("url")
            stripped = url.rstrip(_URL_TAIL)
            tail = url[len(stripped) :]
            escaped = "".join(_SPECIAL.get(ch, ch) for ch in stripped)
            return f"<{escaped}>{tail}"
        if match.group("user"):
            handle = match.group("user").rstrip(".-")
            tail = match.group("user")[len(handle) :]
            user = users.get(handle.lower())
            return f"<@{user.id}|{user.name}>{tail}" if user else match.group(0)
        if match.group("channel"):
            name = match.group("channel")
            channel = channels.get(name.lower())
            return f"<#{channel.id}|{channel.name}>" if channel else match.group(0)
        return _SPECIAL[match.group("special")]

    return _TOKEN.sub(replace, text)
