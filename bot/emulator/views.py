"""Surfaces beside messages: each person's App Home, modals, and the triggers opening them."""

from __future__ import annotations

import copy
import itertools
import secrets
from dataclasses import dataclass, field

from bot.emulator.ledger import BotIdentity, JsonDict, Ledger


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


class Views(Ledger):
    """One Home view per person and every modal ever opened, each with its payload history."""

    def __init__(self) -> None:
        super().__init__()
        self._home: dict[str, View] = {}
        self._modals: dict[str, View] = {}
        self._triggers: dict[str, str] = {}

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

    # Read helpers for tests: snapshots, never live objects.

    def home_view(self, user_id: str) -> View | None:
        with self.lock:
            return copy.deepcopy(self._home.get(user_id))

    def modals(self, user_id: str | None = None) -> list[View]:
        with self.lock:
            return copy.deepcopy([v for v in self._modals.values() if user_id in (None, v.user)])
