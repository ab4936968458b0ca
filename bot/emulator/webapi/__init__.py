"""Slack Web API methods as the fake answers them, over the shared workspace state.

`WebApi` checks the token, hands out injected faults, runs the method's handler under the state
lock and logs the call; the handlers live by family beside it (auth, conversations, chat, views).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.emulator.calls import ApiCall
from bot.emulator.faults import Faults
from bot.emulator.ledger import JsonDict
from bot.emulator.state import WorkspaceState
from bot.emulator.webapi import auth, chat, conversations, files, views
from bot.emulator.webapi.context import Context, Handler, SlackError

__all__ = ["ApiResult", "SlackError", "WebApi", "decode_json_fields"]

# Fields Slack documents as "a JSON-encoded string" in form bodies; JSON bodies may carry
# them either as strings or as structures.
_JSON_FIELDS = ("blocks", "attachments", "view", "metadata", "files")


@dataclass
class ApiResult:
    status: int
    body: JsonDict
    headers: dict[str, str] = field(default_factory=dict)


def decode_json_fields(params: JsonDict) -> JsonDict:
    """Params with JSON-string fields decoded; undecodable ones are left as the raw string."""
    out = dict(params)
    for key in _JSON_FIELDS:
        value = out.get(key)
        if isinstance(value, str) and value.strip():
            with contextlib.suppress(json.JSONDecodeError):
                out[key] = json.loads(value)
    return out


class WebApi:
    """Dispatches `method` + params to a handler, applying auth, faults and the call log."""

    def __init__(
        self,
        state: WorkspaceState,
        faults: Faults,
        *,
        base_url: str = "http://127.0.0.1/",
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.state = state
        self.faults = faults
        # Set by the server once it knows its port; permalinks point back at the emulator.
        self.base_url = base_url
        self._sleep = sleep
        self.handlers: dict[str, Handler] = {
            **auth.METHODS,
            **conversations.METHODS,
            **chat.METHODS,
            **files.METHODS,
            **views.METHODS,
        }

    def handle(self, method: str, params: JsonDict, bearer: str | None = None) -> ApiResult:
        started = self.faults.now()
        params = decode_json_fields(params)
        token = bearer or (str(params["token"]) if params.get("token") else None)
        params.pop("token", None)
        handler = self.handlers.get(method)
        team_id: str | None = None

        def finish(outcome: JsonDict | SlackError, *, faulted: bool = False) -> ApiResult:
            return self._finish(
                method,
                params,
                outcome,
                faulted=faulted,
                team_id=team_id,
                token=token,
                started=started,
            )

        try:
            if handler is None:
                raise SlackError("unknown_method")
            if method not in auth.CLIENT_AUTH_METHODS:
                if token is None:
                    raise SlackError("not_authed")
                team_id = self.state.token_team(token)
                if team_id is None:
                    raise SlackError("invalid_auth")
            limits = self.faults.limits
            if limits.latency > 0:
                self._sleep(limits.latency)  # outside the state lock, as the network is
            retry_after = limits.refusal(method, team_id)
            if retry_after is not None:
                raise SlackError("ratelimited", status=429, retry_after=retry_after)
            fault = self.faults.take(method)
            if fault is not None:
                if fault.delay > 0:
                    # Outside the state lock: a slow Slack must not stall the other calls.
                    self._sleep(fault.delay)
                if fault.fails:
                    failed = SlackError.from_fault(fault)
                    return finish(failed, faulted=True)
            with self.state.lock:
                ctx = Context(self.state, self.faults, params, team_id, self.base_url, token)
                answer = handler(ctx)
            status = limits.fails_after_posting(method, params)
            if status is not None:  # posted, and answered as if it were not
                failed = SlackError("internal_error", status=status)
                return finish(failed, faulted=True)
            return finish(answer)
        except SlackError as err:
            return finish(err)

    def _finish(
        self,
        method: str,
        params: JsonDict,
        outcome: JsonDict | SlackError,
        *,
        faulted: bool = False,
        team_id: str | None = None,
        token: str | None = None,
        started: float = 0.0,
    ) -> ApiResult:
        if isinstance(outcome, SlackError):
            body: JsonDict = {"ok": False, "error": outcome.error}
            if outcome.messages:
                body["response_metadata"] = {"messages": outcome.messages}
            headers = {}
            if outcome.retry_after is not None:
                headers["Retry-After"] = str(outcome.retry_after)
            result = ApiResult(status=outcome.status, body=body, headers=headers)
            faulted = faulted or outcome.status == 429
        else:
            result = ApiResult(status=200, body={"ok": True, **outcome})
        self.state.record_call(
            ApiCall(
                method=method,
                params=params,
                status=result.status,
                ok=bool(result.body["ok"]),
                error=result.body.get("error"),
                faulted=faulted,
                team_id=team_id,
                token=token,
                started=started,
                answered=self.faults.now(),
                retry_after=int(result.headers["Retry-After"])
                if "Retry-After" in result.headers
                else None,
            )
        )
        return result
