"""The workspace's people and conversations: users, channels, who is in which, and IMs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.emulator.ledger import JsonDict, Ledger


@dataclass
class User:
    id: str
    name: str
    real_name: str
    locale: str = "sv-SE"
    tz: str = "Europe/Stockholm"
    is_bot: bool = False
    bot_id: str | None = None
    # The workspace the person is of; None: the fake's own people, whom every token may see.
    team_id: str | None = None


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
    # The workspace the channel is in (a DM: its person's); None: the fake's own channels,
    # which every token may see.
    team_id: str | None = None

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


class Directory(Ledger):
    """Users and channels by id; the bot is a user from the start."""

    def __init__(self) -> None:
        super().__init__()
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self._ims: dict[str, str] = {}
        # The largest page a paginated method hands out, whatever `limit` asks: a small one
        # makes a test walk Slack's cursors.
        self.page_size = 1000
        self.users[self.bot.user_id] = User(
            id=self.bot.user_id,
            name=self.bot.name,
            real_name=self.bot.name,
            locale="en-US",
            is_bot=True,
            bot_id=self.bot.bot_id,
        )

    def add_user(
        self,
        name: str,
        *,
        real_name: str | None = None,
        locale: str = "sv-SE",
        tz: str = "Europe/Stockholm",
        is_bot: bool = False,
        user_id: str | None = None,
        team_id: str | None = None,
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
                team_id=team_id,
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
        team_id: str | None = None,
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
                team_id=team_id,
            )
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
                team_id=self.users[user_id].team_id if user_id in self.users else None,
            )
            self.channels[cid] = channel
            self._ims[user_id] = cid
            return channel, False

    def im_channel(self, user_id: str) -> str | None:
        with self.lock:
            return self._ims.get(user_id)
