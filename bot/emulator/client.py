"""HumanClient: what Slack's own app does for a person, served as a page by the fake Slack.

The page shows the workspace as one person sees it (their channels, their DM with the bot, the
App Home, their ephemeral replies, an open modal) and sends what they do to the bot exactly as
Slack would: typed commands as signed slash commands, clicks as signed `block_actions`, modal
forms as signed `view_submission`s, all through `SlackRequester`. The bot cannot tell it from
Slack; the fake workspace it answers into is the same `FakeSlack` the tests use.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from importlib import resources
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.emulator import render
from bot.emulator.composer import escape_typed
from bot.emulator.requester import SlackRequester
from bot.emulator.routes import Request, Response
from bot.emulator.server import FakeSlack
from bot.emulator.state import Ephemeral, JsonDict, Message, User, View

HOME = "home"
STATE_PATH = "/playground/state"
ACTION_PREFIX = "/playground/"
STATIC_PREFIX = "/static/"
MAX_BODY = 64 * 1024
MAX_TEXT = 4000

_CONTENT_TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
}
# The page runs only its own script and style: even an escaping bug could not run anything.
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

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


class ClientError(Exception):
    """Something the person asked for that cannot be done; told to the page, not raised on."""


@dataclass(frozen=True)
class CommandOutcome:
    """What the bot answered to a typed command: its reply body, when there was one."""

    status: int
    reply: JsonDict | None


def _lang(user: User) -> str:
    return "en" if user.locale.lower().startswith("en") else "sv"


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _static_files() -> dict[str, tuple[bytes, str]]:
    folder = resources.files("bot.emulator").joinpath("static")
    files: dict[str, tuple[bytes, str]] = {}
    for entry in folder.iterdir():
        suffix = "." + entry.name.rsplit(".", 1)[-1]
        if entry.is_file() and suffix in _CONTENT_TYPES:
            files[entry.name] = (entry.read_bytes(), _CONTENT_TYPES[suffix])
    return files


class HumanClient:
    """The page and its JSON endpoints, installed as extra routes on a `FakeSlack`.

    Every action is also a method, so the demo seeding and the tests drive the bot through the
    very path the page uses.
    """

    def __init__(
        self,
        fake: FakeSlack,
        requester: SlackRequester,
        *,
        roles: Mapping[str, str] | None = None,
        start_channel: str | None = None,
        title: str = "Förvaltningsbot playground",
    ) -> None:
        self.fake = fake
        self.requester = requester
        self.roles = dict(roles or {})
        self.start_channel = start_channel
        self.title = title
        self._lock = threading.Lock()
        # Slack forgets a closed modal; the emulator's state keeps every view for the tests,
        # so which ones this person has closed is remembered here.
        self._closed: set[str] = set()
        self._errors: dict[str, dict[str, str]] = {}
        self._echo: dict[tuple[str, str], str] = {}
        self._static = _static_files()

    def install(self) -> HumanClient:
        self.fake.add_route("GET", "/", self._get)
        self.fake.add_route("POST", ACTION_PREFIX, self._post)
        return self

    # What a person does

    def command(
        self, user_id: str, channel_id: str, typed: str, *, quiet: bool = False
    ) -> CommandOutcome:
        """A line typed in the message box: a slash command, or else a plain message.

        The bot's HTTP answer to a slash command is what Slack shows: `in_channel` is posted
        with the command above it, anything else is shown to the person alone. `quiet` drops
        the private replies (the demo seeding does not need 20 confirmations on screen).
        """
        state = self.fake.state
        self._person(user_id)
        channel = state.channels.get(channel_id)
        if channel is None or user_id not in channel.members:
            raise ClientError("you are not in that conversation")
        typed = typed.strip()
        if not typed:
            raise ClientError("nothing to send")
        if len(typed) > MAX_TEXT:
            raise ClientError(f"at most {MAX_TEXT} characters")
        if not typed.startswith("/"):
            state.post(channel_id, user=user_id, text=escape_typed(typed, state), blocks=[])
            return CommandOutcome(status=200, reply=None)
        name, _, rest = typed.partition(" ")
        if name != self.requester.command_name:
            raise ClientError(f"{name} is not a command here; try {self.requester.command_name}")
        response = self.requester.command(
            escape_typed(rest.strip(), state), user_id=user_id, channel_id=channel_id
        )
        if response.status != 200:
            raise ClientError(f"the bot answered HTTP {response.status}")
        reply = response.json if isinstance(response.json, dict) else None
        if reply and (reply.get("text") or reply.get("blocks")):
            raw_blocks = reply.get("blocks")
            blocks: list[JsonDict] = raw_blocks if isinstance(raw_blocks, list) else []
            text = str(reply.get("text") or "")
            if reply.get("response_type") == "in_channel":
                state.post(channel_id, user=user_id, text=escape_typed(typed, state), blocks=[])
                state.post(
                    channel_id,
                    user=state.bot.user_id,
                    text=text,
                    blocks=blocks,
                    bot_id=state.bot.bot_id,
                )
            elif not quiet:
                shown = state.post_ephemeral(channel_id, user=user_id, text=text, blocks=blocks)
                with self._lock:
                    self._echo[(channel_id, shown.message_ts)] = typed
        return CommandOutcome(status=response.status, reply=reply)

    def click(
        self,
        user_id: str,
        action_id: str,
        *,
        value: str | None = None,
        channel_id: str | None = None,
        message_ts: str | None = None,
        view_id: str | None = None,
    ) -> None:
        self._person(user_id)
        if view_id is not None:
            view = self.fake.state.find_view(view_id=view_id)
            if view is None or view.user != user_id:
                raise ClientError("no such view for you")
        try:
            response = self.requester.click(
                action_id,
                user_id=user_id,
                channel_id=channel_id,
                message_ts=message_ts,
                view_id=view_id,
                value=value,
            )
        except (LookupError, ValueError) as err:
            raise ClientError(str(err)) from err
        if response.status != 200:
            raise ClientError(f"the bot answered HTTP {response.status}")

    def submit(self, user_id: str, view_id: str, values: Mapping[str, Mapping[str, str]]) -> None:
        """Submit a modal; the bot's `response_action` decides what the person sees next."""
        self._person(user_id)
        view = self._own_view(user_id, view_id)
        response = self.requester.submit(user_id=user_id, view_id=view.id, values=values)
        if response.status != 200:
            raise ClientError(f"the bot answered HTTP {response.status}")
        body = response.json if isinstance(response.json, dict) else {}
        action = body.get("response_action")
        state = self.fake.state
        with self._lock:
            self._errors.pop(view.id, None)
            if action == "errors" and isinstance(body.get("errors"), dict):
                self._errors[view.id] = {str(k): str(v) for k, v in body["errors"].items()}
            elif action == "update" and isinstance(body.get("view"), dict):
                live = state.find_view(view_id=view.id)
                if live is not None:
                    state.update_view(live, body["view"])
            elif action == "push" and isinstance(body.get("view"), dict):
                trigger = state.issue_trigger_id(user_id)
                state.open_modal(body["view"], trigger_id=trigger, previous=view)
            elif action == "clear":
                self._closed.update(v.id for v in state.modals(user_id))
            else:
                self._closed.add(view.id)

    def close(self, user_id: str, view_id: str) -> None:
        view = self._own_view(user_id, view_id)
        with self._lock:
            self._closed.add(view.id)
            self._errors.pop(view.id, None)

    def open_home(self, user_id: str) -> None:
        """Opening the Home tab: Slack sends `app_home_opened`, the bot publishes the view."""
        self._person(user_id)
        response = self.requester.app_home_opened(user_id)
        if response.status != 200:
            raise ClientError(f"the bot answered HTTP {response.status}")

    # What a person sees

    def snapshot(self, user_id: str, conversation: str) -> JsonDict:
        """The workspace as `user_id` sees it; an unknown or empty id means the first person,
        so a fresh page (or one left open across a restart) always shows someone."""
        state = self.fake.state
        with state.lock:
            if user_id not in state.users or state.users[user_id].is_bot:
                user_id = next((u.id for u in state.users.values() if not u.is_bot), "")
        me = self._person(user_id)
        lang = _lang(me)
        with state.lock:
            im, _ = state.open_im(user_id)  # the app's DM is in the sidebar from the start
            names = render.Directory(
                users={u.id: u.real_name for u in state.users.values()},
                channels={c.id: c.name for c in state.channels.values() if not c.is_im},
            )
            people = [u for u in state.users.values() if not u.is_bot]
            every_channel = sorted(c.name for c in state.channels.values() if not c.is_im)
            channels = sorted(
                (c for c in state.channels.values() if not c.is_im and user_id in c.members),
                key=lambda c: c.name,
            )
        conversations: list[JsonDict] = [
            {"id": HOME, "kind": "home", "name": LABELS[lang]["home"], "last": ""},
            {
                "id": im.id,
                "kind": "dm",
                "name": LABELS[lang]["messages"],
                "last": self._last_ts(im.id, user_id),
            },
        ] + [
            {"id": c.id, "kind": "channel", "name": c.name, "last": self._last_ts(c.id, user_id)}
            for c in channels
        ]
        known = {c["id"] for c in conversations}
        fallback = (
            self.start_channel if self.start_channel and self.start_channel in known else im.id
        )
        current = conversation if conversation in known else fallback
        if current == HOME:
            html = self._home_html(user_id, names, lang)
        else:
            html = self._conversation_html(current, me, names, lang)
        return {
            "title": self.title,
            "team": state.team.name,
            "bot": state.users[state.bot.user_id].real_name,
            "command": self.requester.command_name,
            "me": self._person_json(me),
            "lang": lang,
            "people": [self._person_json(u) for u in people],
            "channel_names": every_channel,
            "conversations": conversations,
            "current": current,
            "html": html,
            "modal": self._modal_json(user_id, names),
        }

    # Internals

    def _person(self, user_id: str) -> User:
        user = self.fake.state.users.get(user_id)
        if user is None or user.is_bot:
            raise ClientError("no such person in this workspace")
        return user

    def _person_json(self, user: User) -> JsonDict:
        return {
            "id": user.id,
            "name": user.name,
            "real_name": user.real_name,
            "locale": user.locale,
            "role": self.roles.get(user.id, ""),
        }

    def _own_view(self, user_id: str, view_id: str) -> View:
        view = self.fake.state.find_view(view_id=view_id)
        with self._lock:
            closed = view is not None and view.id in self._closed
        if view is None or closed or view.user != user_id or view.type != "modal":
            raise ClientError("no such dialog open")
        return view

    def _visible(self, channel_id: str, user_id: str) -> list[Message | Ephemeral]:
        state = self.fake.state
        items: list[Message | Ephemeral] = [*state.messages(channel_id)]
        items += state.ephemerals(channel=channel_id, user=user_id)
        return sorted(items, key=lambda m: m.ts if isinstance(m, Message) else m.message_ts)

    def _last_ts(self, channel_id: str, user_id: str) -> str:
        items = self._visible(channel_id, user_id)
        if not items:
            return ""
        last = items[-1]
        return last.ts if isinstance(last, Message) else last.message_ts

    def _conversation_html(
        self, channel_id: str, me: User, names: render.Directory, lang: str
    ) -> str:
        labels = LABELS[lang]
        items = self._visible(channel_id, me.id)
        if not items:
            return f'<p class="empty">{render.esc(labels["empty"])}</p>'
        zone = _zone(me.tz)
        return "".join(self._item_html(item, me, names, labels, zone) for item in items)

    def _item_html(
        self,
        item: Message | Ephemeral,
        me: User,
        names: render.Directory,
        labels: Mapping[str, str],
        zone: tzinfo,
    ) -> str:
        state = self.fake.state
        if isinstance(item, Message):
            ts, author_id, ephemeral = item.ts, item.user, False
        else:
            ts, author_id, ephemeral = item.message_ts, state.bot.user_id, True
        author = state.users.get(author_id)
        when = datetime.fromtimestamp(float(ts), tz=zone).strftime("%H:%M")
        head = [
            f'<span class="author">{render.esc(author.real_name if author else author_id)}</span>'
        ]
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
            with self._lock:
                typed = self._echo.get((item.channel, ts))
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
        attr_text = "".join(f' {k}="{render.esc(v)}"' for k, v in attrs.items())
        return (
            f'<div{attr_text}><div class="msg-head">{"".join(head)}</div>{note}'
            f'<div class="msg-body">{body}</div></div>'
        )

    def _home_html(self, user_id: str, names: render.Directory, lang: str) -> str:
        view = self.fake.state.home_view(user_id)
        if view is None:
            return f'<p class="empty">{render.esc(LABELS[lang]["home_loading"])}</p>'
        return (
            f'<div class="home" data-container="view" data-view="{render.esc(view.id)}">'
            f"{render.blocks(view.blocks, names)}</div>"
        )

    def _modal_json(self, user_id: str, names: render.Directory) -> JsonDict | None:
        with self._lock:
            closed = set(self._closed)
            errors = {k: dict(v) for k, v in self._errors.items()}
        open_views = [v for v in self.fake.state.modals(user_id) if v.id not in closed]
        if not open_views:
            return None
        view = open_views[-1]

        def label(key: str, default: str) -> str:
            obj = view.payload.get(key)
            return str(obj.get("text", default)) if isinstance(obj, dict) else default

        view_errors = errors.get(view.id, {})
        return {
            "id": view.id,
            "hash": view.hash + json.dumps(view_errors, sort_keys=True),
            "title": label("title", ""),
            "submit": label("submit", "") if view.payload.get("submit") else "",
            "close": label("close", "Avbryt"),
            "html": render.blocks(view.blocks, names, view_errors),
        }

    # HTTP

    def _allowed_hosts(self) -> set[str]:
        port = self.fake.port
        return {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}

    def _refuse(self, request: Request) -> Response | None:
        # The page has no login: it must only answer itself, not another site the person has
        # open (a cross-site form post) nor a rebound DNS name pointing at loopback.
        if request.header("host") not in self._allowed_hosts():
            return Response.text("unknown host", status=421)
        if request.method == "POST":
            origin = request.header("origin")
            if origin is not None and urlsplit(origin).netloc not in self._allowed_hosts():
                return Response.json({"ok": False, "error": "cross-origin request"}, status=403)
            if request.content_type != "application/json":
                return Response.json({"ok": False, "error": "JSON only"}, status=415)
            if len(request.body) > MAX_BODY:
                return Response.json({"ok": False, "error": "too large"}, status=413)
        return None

    def _secure(self, response: Response) -> Response:
        response.headers.update(_SECURITY_HEADERS)
        return response

    def _get(self, request: Request) -> Response:
        refused = self._refuse(request)
        if refused is not None:
            return refused
        if request.path in ("/", "/index.html"):
            content, kind = self._static["index.html"]
            return self._secure(
                Response(body=content, headers={"Content-Type": f"{kind}; charset=utf-8"})
            )
        if request.path == "/favicon.ico":
            return Response(status=204)  # browsers ask; an empty answer keeps their console quiet
        if request.path.startswith(STATIC_PREFIX):
            found = self._static.get(request.path[len(STATIC_PREFIX) :])
            if found is None:
                return Response.text("not found", status=404)
            content, kind = found
            return self._secure(
                Response(body=content, headers={"Content-Type": f"{kind}; charset=utf-8"})
            )
        if request.path == STATE_PATH:
            params = request.query_params()
            try:
                data = self.snapshot(params.get("user", ""), params.get("conversation", ""))
            except ClientError as err:
                return self._secure(Response.json({"ok": False, "error": str(err)}, status=400))
            return self._secure(Response.json({"ok": True, **data}))
        return Response.text("not found", status=404)

    def _post(self, request: Request) -> Response:
        refused = self._refuse(request)
        if refused is not None:
            return refused
        try:
            body = request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return Response.json({"ok": False, "error": "a JSON object, please"}, status=400)
        action = request.path[len(ACTION_PREFIX) :]
        try:
            result = self._act(action, body)
        except ClientError as err:
            return self._secure(Response.json({"ok": False, "error": str(err)}, status=400))
        return self._secure(Response.json({"ok": True, **result}))

    def _act(self, action: str, body: JsonDict) -> JsonDict:
        def field(name: str, *, required: bool = True) -> str | None:
            value = body.get(name)
            if value is None and not required:
                return None
            if not isinstance(value, str) or (required and not value):
                raise ClientError(f"{name} is missing")
            return value

        user = field("user") or ""
        if action == "command":
            self.command(user, field("conversation") or "", field("text") or "")
        elif action == "click":
            self.click(
                user,
                field("action_id") or "",
                value=field("value", required=False),
                channel_id=field("channel", required=False),
                message_ts=field("ts", required=False),
                view_id=field("view", required=False),
            )
        elif action == "submit":
            values = body.get("values")
            if not isinstance(values, dict) or not all(
                isinstance(v, dict) and all(isinstance(x, str) for x in v.values())
                for v in values.values()
            ):
                raise ClientError("values must be {block_id: {action_id: text}}")
            self.submit(user, field("view") or "", values)
        elif action == "close":
            self.close(user, field("view") or "")
        elif action == "home":
            self.open_home(user)
        else:
            raise ClientError(f"unknown action {action!r}")
        return {}
