"""What Slack does with a JSON body POSTed to a response_url."""

from __future__ import annotations

from dataclasses import dataclass

from bot.emulator.ledger import JsonDict
from bot.emulator.response_urls import ResponsePost
from bot.emulator.state import WorkspaceState

# Slack's documented budget for one response_url.
MAX_USES = 5


@dataclass(frozen=True)
class ResponderResult:
    status: int
    body: JsonDict


class Responder:
    """Applies response_url posts to the workspace: reply, replace, delete or whisper."""

    def __init__(self, state: WorkspaceState) -> None:
        self.state = state

    def post(self, url_id: str, body: JsonDict) -> ResponderResult:
        with self.state.lock:
            target = self.state.response_url_target(url_id)
            if target is None:
                result = ResponderResult(404, {"ok": False, "error": "expired_url"})
            elif target.uses >= MAX_USES:
                result = ResponderResult(404, {"ok": False, "error": "used_url"})
            else:
                target.uses += 1
                result = self._apply(target.channel, target.user, target.message_ts, body)
            self.state.record_response_post(
                ResponsePost(url_id=url_id, body=body, status=result.status)
            )
            return result

    def _apply(
        self, channel: str | None, user: str | None, message_ts: str | None, body: JsonDict
    ) -> ResponderResult:
        state = self.state
        original = state.find_message(channel, message_ts) if channel and message_ts else None
        text = str(body.get("text", ""))
        blocks = body.get("blocks")
        blocks = blocks if isinstance(blocks, list) else None
        if _truthy(body.get("delete_original")):
            if original is None:
                return ResponderResult(404, {"ok": False, "error": "message_not_found"})
            original.deleted = True
        elif _truthy(body.get("replace_original")):
            if original is None:
                return ResponderResult(404, {"ok": False, "error": "message_not_found"})
            state.edit(original, text=text, blocks=blocks if blocks is not None else [])
        elif channel is None or state.find_channel(channel) is None:
            # A response_url minted without a known channel only records what was sent.
            return ResponderResult(200, {"ok": True})
        elif body.get("response_type") == "in_channel":
            state.post(
                channel,
                user=state.bot.user_id,
                text=text,
                blocks=blocks or [],
                thread_ts=str(body["thread_ts"]) if body.get("thread_ts") else None,
                bot_id=state.bot.bot_id,
            )
        elif user is not None:
            state.post_ephemeral(channel, user=user, text=text, blocks=blocks or [])
        return ResponderResult(200, {"ok": True})


def _truthy(value: object) -> bool:
    return value in (True, "true", "True", 1, "1")
