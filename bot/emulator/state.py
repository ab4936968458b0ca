"""The fake workspace: everything the emulated Slack knows, behind one lock."""

from __future__ import annotations

import copy
import itertools
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]


@dataclass
class Team:
    id: str = "T0001"
    name: str = "Förvaltning test"
    domain: str = "forvaltning-test"


@dataclass
class User:
    id: str
    name: str
    real_name: str
    locale: str = "sv-SE"
    tz: str = "Europe/Stockholm"
    is_bot: bool = False
    bot_id: str | None = None


# The fake's default bot token: not a secret, it only opens the door to this emulator.
DEFAULT_TOKEN = "xoxb-test"  # noqa: S105


@dataclass
class BotIdentity:
    user_id: str = "UBOT"
    bot_id: str = "BBOT"
    app_id: str = "A0001"
    name: str = "forvaltningsbot"
    token: str = DEFAULT_TOKEN


@dataclass
class MessageVersion:
    text: str
    blocks: list[JsonDict]
    edited_ts: str | None


@dataclass
class Message:
    ts: str
    channel: str
    user: str
    text: str
    blocks: list[JsonDict]
    thread_ts: str | None = None
    bot_id: str | None = None
    deleted: bool = False
    metadata: JsonDict | None = None  # chat.postMessage's `metadata` (event_type, event_payload)
    # versions[0] is the original post and versions[-1] the current text, so a test can
    # assert on every chat.update the bot made, not only the last one.
    versions: list[MessageVersion] = field(default_factory=list)

    @property
    def edited(self) -> bool:
        return len(self.versions) > 1

    def to_slack(self, team_id: str) -> JsonDict:
        """The message object as Slack's API returns it."""
        out: JsonDict = {
            "type": "message",
            "user": self.user,
            "text": self.text,
            "ts": self.ts,
            "team": team_id,
        }
        if self.blocks:
            out["blocks"] = copy.deepcopy(self.blocks)
        if self.bot_id:
            out["bot_id"] = self.bot_id
        if self.thread_ts:
            out["thread_ts"] = self.thread_ts
        if self.edited:
            out["edited"] = {"user": self.user, "ts": self.versions[-1].edited_ts}
        if self.metadata:
            out["metadata"] = copy.deepcopy(self.metadata)
        return out


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    is_im: bool = False
    members: set[str] = field(default_factory=set)
    # Real Slack lets an app with chat:write.public post to public channels it has not
    # joined; the flag lets a test choose which behaviour the bot must cope with.
    require_membership: bool = True
    im_user: str | None = None
    created: int = 0

    def to_slack(self, bot_user_id: str) -> JsonDict:
        out: JsonDict = {
            "id": self.id,
            "created": self.created,
            "is_archived": False,
            "is_im": self.is_im,
            "is_mpim": False,
        }
        if self.is_im:
            out.update({"user": self.im_user, "is_user_deleted": False, "is_open": True})
        else:
            out.update(
                {
                    "name": self.name,
                    "name_normalized": self.name,
                    "is_channel": not self.is_private,
                    "is_group": self.is_private,
                    "is_private": self.is_private,
                    "is_general": False,
                    "is_member": bot_user_id in self.members,
                }
            )
        return out


@dataclass
class Ephemeral:
    message_ts: str
    channel: str
    user: str
    text: str
    blocks: list[JsonDict]
    thread_ts: str | None = None


@dataclass
class View:
    id: str
    type: str
    user: str | None
    payload: JsonDict
    hash: str
    trigger_id: str | None = None
    root_view_id: str | None = None
    previous_view_id: str | None = None
    history: list[JsonDict] = field(default_factory=list)

    @property
    def blocks(self) -> list[JsonDict]:
        blocks: list[JsonDict] = self.payload.get("blocks", [])
        return blocks

    @property
    def callback_id(self) -> str:
        return str(self.payload.get("callback_id", ""))

    @property
    def private_metadata(self) -> str:
        return str(self.payload.get("private_metadata", ""))

    def to_slack(self, team_id: str, bot: BotIdentity) -> JsonDict:
        return {
            "id": self.id,
            "team_id": team_id,
            "type": self.type,
            "title": self.payload.get("title"),
            "close": self.payload.get("close"),
            "submit": self.payload.get("submit"),
            "blocks": copy.deepcopy(self.blocks),
            "private_metadata": self.private_metadata,
            "callback_id": self.callback_id,
            "external_id": self.payload.get("external_id", ""),
            "state": {"values": {}},
            "hash": self.hash,
            "clear_on_close": bool(self.payload.get("clear_on_close", False)),
            "notify_on_close": bool(self.payload.get("notify_on_close", False)),
            "root_view_id": self.root_view_id or self.id,
            "previous_view_id": self.previous_view_id,
            "app_id": bot.app_id,
            "bot_id": bot.bot_id,
        }


@dataclass
class ResponseUrl:
    id: str
    channel: str | None
    user: str | None
    message_ts: str | None
    uses: int = 0


@dataclass
class ResponsePost:
    url_id: str
    body: JsonDict
    status: int


@dataclass
class ApiCall:
    method: str
    params: JsonDict
    status: int
    ok: bool
    error: str | None
    faulted: bool = False
    # The workspace whose token made the call (None: no token, e.g. oauth.v2.access).
    team_id: str | None = None


@dataclass
class IssuedToken:
    team_id: str
    expires_at: float | None  # on the state's clock; None: never expires


def _format_ts(micros: int) -> str:
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


class WorkspaceState:
    """Team, users, channels, messages, views and the log of Web API calls.

    Every method takes `lock`; callers that need several steps to be atomic (the Web API
    handlers) hold it around the whole call. Read helpers return deep copies so a test can
    inspect them while the bot keeps writing.
    """

    def __init__(
        self,
        *,
        team: Team | None = None,
        bot: BotIdentity | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.lock = threading.RLock()
        self.team = team or Team()
        self.bot = bot or BotIdentity()
        self._clock = clock
        self._last_micros = 0
        self._ids = itertools.count(1)
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self._ims: dict[str, str] = {}
        self._messages: dict[str, list[Message]] = {}
        self._ephemerals: list[Ephemeral] = []
        self._home: dict[str, View] = {}
        self._modals: dict[str, View] = {}
        self._triggers: dict[str, str] = {}
        self._response_urls: dict[str, ResponseUrl] = {}
        self._response_posts: list[ResponsePost] = []
        self._calls: list[ApiCall] = []
        # Several workspaces (OAuth installs): each gets its own bot tokens. The default team
        # keeps `bot.token`, so single-workspace tests see no difference.
        self.teams: dict[str, Team] = {self.team.id: self.team}
        self._tokens: dict[str, IssuedToken] = {}
        self._codes: dict[str, tuple[str, str]] = {}
        self._refresh_tokens: dict[str, str] = {}
        self.token_rotation = False
        self.token_lifetime = 12 * 3600  # seconds an issued token lives (with token_rotation)
        self.bot_scopes = "commands,chat:write"
        # The app's registered Redirect URL, used when the authorize request names none.
        self.redirect_uri: str | None = None
        self.users[self.bot.user_id] = User(
            id=self.bot.user_id,
            name=self.bot.name,
            real_name=self.bot.name,
            locale="en-US",
            is_bot=True,
            bot_id=self.bot.bot_id,
        )

    # Workspaces and their tokens.

    def add_team(self, name: str, *, team_id: str | None = None) -> Team:
        with self.lock:
            tid = team_id or self.new_id("T")
            team = Team(id=tid, name=name, domain=tid.lower())
            self.teams[tid] = team
            return team

    def issue_code(self, team_id: str, *, user_id: str = "UINSTALLER") -> str:
        """A one-time code as Slack's authorize page hands to the redirect URL."""
        with self.lock:
            if team_id not in self.teams:
                raise KeyError(team_id)
            code = f"code-{secrets.token_hex(8)}"
            self._codes[code] = (team_id, user_id)
            return code

    def issue_token(self, team_id: str) -> JsonDict:
        """A new bot token for the team, with refresh token and lifetime if rotation is on."""
        with self.lock:
            token = f"xoxb-{team_id}-{secrets.token_hex(8)}"
            if self.token_rotation:
                token = f"xoxe.{token}"
            out: JsonDict = {"access_token": token, "token_type": "bot"}
            expires_at = None
            if self.token_rotation:
                refresh = f"xoxe-1-{secrets.token_hex(8)}"
                self._refresh_tokens[refresh] = team_id
                expires_at = self._clock() + self.token_lifetime
                out.update(refresh_token=refresh, expires_in=self.token_lifetime)
            self._tokens[token] = IssuedToken(team_id, expires_at)
            return out

    def exchange_code(self, code: str) -> JsonDict | None:
        """oauth.v2.access with a code: None if it is unknown or used."""
        with self.lock:
            issued = self._codes.pop(code, None)
            if issued is None:
                return None
            team_id, user_id = issued
            return {**self._grant(team_id), "authed_user": {"id": user_id}}

    def refresh(self, refresh_token: str) -> JsonDict | None:
        with self.lock:
            team_id = self._refresh_tokens.get(refresh_token)
            return None if team_id is None else self._grant(team_id)

    def _grant(self, team_id: str) -> JsonDict:
        team = self.teams[team_id]
        return {
            **self.issue_token(team_id),
            "scope": self.bot_scopes,
            "bot_user_id": self.bot.user_id,
            "app_id": self.bot.app_id,
            "team": {"id": team.id, "name": team.name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def token_team(self, token: str) -> str | None:
        """The team a valid, unexpired bot token belongs to; None if it opens no door."""
        with self.lock:
            if token == self.bot.token:
                return self.team.id
            issued = self._tokens.get(token)
            if issued is None:
                return None
            if issued.expires_at is not None and issued.expires_at <= self._clock():
                return None
            return issued.team_id

    def next_ts(self) -> str:
        """A Slack ts strictly greater than any issued before, across all channels."""
        with self.lock:
            now = int(self._clock() * 1_000_000)
            self._last_micros = max(self._last_micros + 1, now)
            return _format_ts(self._last_micros)

    def new_id(self, prefix: str) -> str:
        with self.lock:
            return f"{prefix}{next(self._ids):07d}"

    def add_user(
        self,
        name: str,
        *,
        real_name: str | None = None,
        locale: str = "sv-SE",
        tz: str = "Europe/Stockholm",
        is_bot: bool = False,
        user_id: str | None = None,
    ) -> str:
        with self.lock:
            uid = user_id or self.new_id("U")
            self.users[uid] = User(
                id=uid,
                name=name,
                real_name=real_name or name,
                locale=locale,
                tz=tz,
                is_bot=is_bot,
            )
            return uid

    def add_channel(
        self,
        name: str,
        *,
        is_private: bool = False,
        members: Iterable[str] = (),
        bot_member: bool = True,
        require_membership: bool = True,
        channel_id: str | None = None,
    ) -> str:
        with self.lock:
            cid = channel_id or self.new_id("G" if is_private else "C")
            member_set = set(members)
            if bot_member:
                member_set.add(self.bot.user_id)
            self.channels[cid] = Channel(
                id=cid,
                name=name,
                is_private=is_private,
                members=member_set,
                require_membership=require_membership,
                created=int(self._clock()),
            )
            self._messages[cid] = []
            return cid

    def set_member(self, channel_id: str, user_id: str, *, member: bool = True) -> None:
        with self.lock:
            members = self.channels[channel_id].members
            if member:
                members.add(user_id)
            else:
                members.discard(user_id)

    def find_channel(self, ref: str) -> Channel | None:
        """Look a channel up by id, or by name with or without '#', as Slack accepts both."""
        with self.lock:
            if ref in self.channels:
                return self.channels[ref]
            name = ref.removeprefix("#")
            return next((c for c in self.channels.values() if c.name == name), None)

    def open_im(self, user_id: str) -> tuple[Channel, bool]:
        """The user's IM with the bot, created on first use; the flag says it existed."""
        with self.lock:
            existing = self._ims.get(user_id)
            if existing is not None:
                return self.channels[existing], True
            cid = self.new_id("D")
            channel = Channel(
                id=cid,
                name=cid,
                is_private=True,
                is_im=True,
                members={user_id, self.bot.user_id},
                im_user=user_id,
                created=int(self._clock()),
            )
            self.channels[cid] = channel
            self._messages[cid] = []
            self._ims[user_id] = cid
            return channel, False

    def post(
        self,
        channel_id: str,
        *,
        user: str,
        text: str,
        blocks: list[JsonDict],
        thread_ts: str | None = None,
        bot_id: str | None = None,
        metadata: JsonDict | None = None,
    ) -> Message:
        with self.lock:
            ts = self.next_ts()
            message = Message(
                ts=ts,
                channel=channel_id,
                user=user,
                text=text,
                blocks=copy.deepcopy(blocks),
                thread_ts=thread_ts,
                bot_id=bot_id,
                metadata=copy.deepcopy(metadata),
                versions=[MessageVersion(text=text, blocks=copy.deepcopy(blocks), edited_ts=None)],
            )
            self._messages[channel_id].append(message)
            return message

    def find_message(self, channel_id: str, ts: str) -> Message | None:
        with self.lock:
            return next(
                (m for m in self._messages.get(channel_id, []) if m.ts == ts and not m.deleted),
                None,
            )

    def edit(self, message: Message, *, text: str, blocks: list[JsonDict]) -> None:
        with self.lock:
            message.text = text
            message.blocks = copy.deepcopy(blocks)
            message.versions.append(
                MessageVersion(text=text, blocks=copy.deepcopy(blocks), edited_ts=self.next_ts())
            )

    def post_ephemeral(
        self,
        channel_id: str,
        *,
        user: str,
        text: str,
        blocks: list[JsonDict],
        thread_ts: str | None = None,
    ) -> Ephemeral:
        with self.lock:
            ephemeral = Ephemeral(
                message_ts=self.next_ts(),
                channel=channel_id,
                user=user,
                text=text,
                blocks=copy.deepcopy(blocks),
                thread_ts=thread_ts,
            )
            self._ephemerals.append(ephemeral)
            return ephemeral

    def find_ephemeral(self, channel_id: str, message_ts: str, user_id: str) -> Ephemeral | None:
        """An ephemeral message as its one reader sees it (a copy: nobody edits one)."""
        with self.lock:
            found = next(
                (
                    e
                    for e in self._ephemerals
                    if (e.channel, e.message_ts, e.user) == (channel_id, message_ts, user_id)
                ),
                None,
            )
            return copy.deepcopy(found)

    def issue_trigger_id(self, user_id: str) -> str:
        with self.lock:
            trigger_id = f"{next(self._ids)}.{self.team.id}.{secrets.token_hex(8)}"
            self._triggers[trigger_id] = user_id
            return trigger_id

    def trigger_user(self, trigger_id: str) -> str | None:
        with self.lock:
            return self._triggers.get(trigger_id)

    def publish_home(self, user_id: str, payload: JsonDict) -> View:
        with self.lock:
            view = self._home.get(user_id)
            if view is None:
                view = View(id=self.new_id("V"), type="home", user=user_id, payload={}, hash="")
                self._home[user_id] = view
            self._replace_view(view, payload)
            return view

    def open_modal(
        self, payload: JsonDict, *, trigger_id: str, previous: View | None = None
    ) -> View:
        with self.lock:
            vid = self.new_id("V")
            view = View(
                id=vid,
                type=str(payload.get("type", "modal")),
                user=self._triggers.get(trigger_id),
                payload={},
                hash="",
                trigger_id=trigger_id,
                root_view_id=previous.root_view_id if previous else vid,
                previous_view_id=previous.id if previous else None,
            )
            self._modals[vid] = view
            self._replace_view(view, payload)
            return view

    def find_view(
        self, *, view_id: str | None = None, external_id: str | None = None
    ) -> View | None:
        with self.lock:
            for view in itertools.chain(self._modals.values(), self._home.values()):
                if view_id and view.id == view_id:
                    return view
                if external_id and view.payload.get("external_id") == external_id:
                    return view
            return None

    def latest_modal(self, user_id: str | None) -> View | None:
        with self.lock:
            if user_id is None:
                return None
            mine = [v for v in self._modals.values() if v.user == user_id]
            return mine[-1] if mine else None

    def update_view(self, view: View, payload: JsonDict) -> None:
        with self.lock:
            self._replace_view(view, payload)

    def _replace_view(self, view: View, payload: JsonDict) -> None:
        view.payload = copy.deepcopy(payload)
        view.history.append(copy.deepcopy(payload))
        view.hash = f"{self.next_ts()}.{secrets.token_hex(4)}"

    def mint_response_url(
        self,
        *,
        channel: str | None = None,
        user: str | None = None,
        message_ts: str | None = None,
    ) -> str:
        """Register a response_url; returns the id the HTTP layer puts in the path."""
        with self.lock:
            url_id = secrets.token_urlsafe(12)
            self._response_urls[url_id] = ResponseUrl(
                id=url_id, channel=channel, user=user, message_ts=message_ts
            )
            return url_id

    def response_url_target(self, url_id: str) -> ResponseUrl | None:
        with self.lock:
            return self._response_urls.get(url_id)

    def record_response_post(self, post: ResponsePost) -> None:
        with self.lock:
            self._response_posts.append(copy.deepcopy(post))

    def record_call(self, call: ApiCall) -> None:
        with self.lock:
            self._calls.append(copy.deepcopy(call))

    # Read helpers for tests: snapshots, never live objects.

    def messages(self, channel: str, *, include_deleted: bool = False) -> list[Message]:
        with self.lock:
            return copy.deepcopy(
                [m for m in self._messages.get(channel, []) if include_deleted or not m.deleted]
            )

    def thread(self, channel: str, thread_ts: str) -> list[Message]:
        return [m for m in self.messages(channel) if thread_ts in (m.ts, m.thread_ts)]

    def dms_to(self, user_id: str) -> list[Message]:
        with self.lock:
            cid = self._ims.get(user_id)
            return self.messages(cid) if cid else []

    def im_channel(self, user_id: str) -> str | None:
        with self.lock:
            return self._ims.get(user_id)

    def ephemerals(self, *, channel: str | None = None, user: str | None = None) -> list[Ephemeral]:
        with self.lock:
            return copy.deepcopy(
                [
                    e
                    for e in self._ephemerals
                    if channel in (None, e.channel) and user in (None, e.user)
                ]
            )

    def home_view(self, user_id: str) -> View | None:
        with self.lock:
            return copy.deepcopy(self._home.get(user_id))

    def modals(self, user_id: str | None = None) -> list[View]:
        with self.lock:
            return copy.deepcopy([v for v in self._modals.values() if user_id in (None, v.user)])

    def response_posts(self, url_id: str | None = None) -> list[ResponsePost]:
        with self.lock:
            return copy.deepcopy([p for p in self._response_posts if url_id in (None, p.url_id)])

    def calls(self, method: str | None = None) -> list[ApiCall]:
        with self.lock:
            return copy.deepcopy([c for c in self._calls if method in (None, c.method)])

    def all_messages(self) -> Iterator[Message]:
        """Every message in every channel, in posting order."""
        with self.lock:
            everything = [m for msgs in self._messages.values() for m in msgs]
        return iter(copy.deepcopy(sorted(everything, key=lambda m: m.ts)))
