"""What was said where: messages with every edit, threads, and ephemeral replies."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.emulator.directory import Directory
from bot.emulator.ledger import JsonDict


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
    files: list[JsonDict] = field(default_factory=list)  # shared by files.completeUploadExternal
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
        if self.files:
            out["files"] = copy.deepcopy(self.files)
            out["upload"] = True
        return out


@dataclass
class Ephemeral:
    message_ts: str
    channel: str
    user: str
    text: str
    blocks: list[JsonDict]
    thread_ts: str | None = None


class History(Directory):
    """Messages by channel, in posting order; messages live in the directory's channels.

    Read helpers return deep copies so a test can inspect them while the bot keeps writing.
    """

    def __init__(self) -> None:
        super().__init__()
        self._messages: dict[str, list[Message]] = {}
        self._ephemerals: list[Ephemeral] = []

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
        files: list[JsonDict] | None = None,
    ) -> Message:
        with self.lock:
            if channel_id not in self.channels:
                raise KeyError(channel_id)
            message = Message(
                ts=self.next_ts(),
                channel=channel_id,
                user=user,
                text=text,
                blocks=copy.deepcopy(blocks),
                thread_ts=thread_ts,
                bot_id=bot_id,
                metadata=copy.deepcopy(metadata),
                files=copy.deepcopy(files or []),
                versions=[MessageVersion(text=text, blocks=copy.deepcopy(blocks), edited_ts=None)],
            )
            self._messages.setdefault(channel_id, []).append(message)
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
            cid = self.im_channel(user_id)
            return self.messages(cid) if cid else []

    def ephemerals(self, *, channel: str | None = None, user: str | None = None) -> list[Ephemeral]:
        with self.lock:
            return copy.deepcopy(
                [
                    e
                    for e in self._ephemerals
                    if channel in (None, e.channel) and user in (None, e.user)
                ]
            )

    def all_messages(self) -> Iterator[Message]:
        """Every message in every channel, in posting order."""
        with self.lock:
            everything = [m for msgs in self._messages.values() for m in msgs]
        return iter(copy.deepcopy(sorted(everything, key=lambda m: m.ts)))
