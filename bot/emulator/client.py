"""HumanClient: what Slack's own app does for a person, served as a page by the fake Slack.

The page shows the workspace as one person sees it (their channels, their DM with the bot, the
App Home, their ephemeral replies, an open modal) and sends what they do to the bot exactly as
Slack would: typed commands as signed slash commands, clicks as signed `block_actions`, modal
forms as signed `view_submission`s, all through `SlackRequester`. The bot cannot tell it from
Slack; the fake workspace it answers into is the same `FakeSlack` the tests use.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

from bot.emulator import render, screen
from bot.emulator.composer import escape_typed
from bot.emulator.directory import User
from bot.emulator.ledger import JsonDict
from bot.emulator.page import ClientError, Page
from bot.emulator.requester import SlackRequester
from bot.emulator.server import FakeSlack
from bot.emulator.views import View

__all__ = ["ClientError", "CommandOutcome", "HumanClient"]

HOME = "home"
MAX_TEXT = 4000


@dataclass(frozen=True)
class CommandOutcome:
    """What the bot answered to a typed command: its reply body, when there was one."""

    status: int
    reply: JsonDict | None


class HumanClient:
    """What people do in the workspace and what each of them sees; `install` serves it as
    the playground page (`page.Page`) from the `FakeSlack`'s own port.

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

    def install(self) -> HumanClient:
        """Serve the page and its endpoints from the fake Slack's own port."""
        Page(self).install()
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
        lang = screen.lang(me)
        with state.lock:
            im, _ = state.open_im(user_id)  # the app's DM is in the sidebar from the start
            names = render.Directory(
                users={u.id: u.real_name for u in state.users.values()},
                channels={c.id: c.name for c in state.channels.values() if not c.is_im},
            )
            people = [u for u in state.users.values() if not u.is_bot]
            every_channel = sorted(c.name for c in state.channels.values() if not c.is_im)
        conversations = self._conversations(me, im.id, lang)
        known = {c["id"] for c in conversations}
        fallback = (
            self.start_channel if self.start_channel and self.start_channel in known else im.id
        )
        current = conversation if conversation in known else fallback
        if current == HOME:
            html = screen.home_html(state.home_view(user_id), names, lang)
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

    def _conversations(self, me: User, im_id: str, lang: str) -> list[JsonDict]:
        """The sidebar: Home, the DM with the app, then `me`'s channels by name."""
        state = self.fake.state
        with state.lock:
            channels = sorted(
                (c for c in state.channels.values() if not c.is_im and me.id in c.members),
                key=lambda c: c.name,
            )
        labels = screen.LABELS[lang]
        return [
            {"id": HOME, "kind": "home", "name": labels["home"], "last": ""},
            {
                "id": im_id,
                "kind": "dm",
                "name": labels["messages"],
                "last": self._last_ts(im_id, me.id),
            },
        ] + [
            {"id": c.id, "kind": "channel", "name": c.name, "last": self._last_ts(c.id, me.id)}
            for c in channels
        ]

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

    def _visible(self, channel_id: str, user_id: str) -> list[screen.Item]:
        state = self.fake.state
        items: list[screen.Item] = [*state.messages(channel_id)]
        items += state.ephemerals(channel=channel_id, user=user_id)
        return sorted(items, key=screen.item_ts)

    def _last_ts(self, channel_id: str, user_id: str) -> str:
        items = self._visible(channel_id, user_id)
        return screen.item_ts(items[-1]) if items else ""

    def _conversation_html(
        self, channel_id: str, me: User, names: render.Directory, lang: str
    ) -> str:
        state = self.fake.state
        with self._lock:
            echo = dict(self._echo)
        return screen.conversation_html(
            self._visible(channel_id, me.id),
            me,
            names,
            lang,
            bot_user_id=state.bot.user_id,
            users=state.users,
            echo=echo,
        )

    def _modal_json(self, user_id: str, names: render.Directory) -> JsonDict | None:
        with self._lock:
            closed = set(self._closed)
            errors = {k: dict(v) for k, v in self._errors.items()}
        open_views = [v for v in self.fake.state.modals(user_id) if v.id not in closed]
        view = open_views[-1] if open_views else None
        return screen.modal_json(view, names, errors.get(view.id, {}) if view else {})
