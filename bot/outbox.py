"""Slack out: delivers queued events, paced and retried, on a thread of its own.

Listeners never wait on Slack's rate limits: a service queues an event in its transaction and
the sender is woken. The sender claims due events (a lease, so a second replica skips them),
renders each through `messages` in the recipient's language, and settles it: sent, retried at
Slack's Retry-After (429) or with exponential backoff (5xx, network), or failed after a bounded
number of attempts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

import messages
from bot.domain.activities import ActivityStatus
from bot.domain.decision import VoteView
from bot.domain.reminders import ReminderView
from bot.metrics import Metrics
from bot.services import outbox_events as out
from bot.services import votes
from bot.services.activities import my_activities
from bot.services.context import Services
from bot.services.outbox_events import PACED, OutboxKind, P, PayloadError
from bot.services.reminders import reminder_view
from bot.services.unit import enqueue
from bot.slack.locale import Locales
from storage import outbox as queue
from storage.models import OutboxEvent

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
LEASE = timedelta(seconds=60)
CHANNEL_LANGUAGE = "sv"
# Every message the sender posts carries its outbox key under this metadata event type.
MARKER_EVENT = "forvaltningsbot_outbox"
HISTORY_LOOKBACK = 100
_NOT_A_MEMBER = ("not_in_channel", "channel_not_found")
PER_CHANNEL_INTERVAL = 1.0  # chat.postMessage: about one message per second per channel
MAX_BACKOFF = 300.0


class _Retry(Exception):
    """Try again after `after` seconds. `doubt`: Slack may have acted on the failed call (a
    5xx, a timeout), so the next attempt must look before it posts."""

    def __init__(
        self, after: float, reason: str, *, counts: bool = True, doubt: bool = False
    ) -> None:
        super().__init__(reason)
        self.doubt = doubt
        self.after = after
        self.reason = reason
        self.counts = counts


class _Failed(Exception):
    """Slack said no in a way that trying again will not change (e.g. channel_not_found)."""

    def __init__(self, reason: str, *, private: bool = False) -> None:
        super().__init__(reason)
        self.private = private


class OutboxSender:
    def __init__(
        self,
        services: Services,
        client: WebClient | Callable[[str], WebClient],
        locales: Locales,
        *,
        batch: int = 20,
        poll_seconds: float = 1.0,
        lease: timedelta = LEASE,
        monotonic: Callable[[], float] = time.monotonic,
        metrics: Metrics | None = None,
    ) -> None:
        self._services = services
        self._metrics = metrics or Metrics()
        # One client for every team (single-token mode), or a callable giving each workspace
        # its own installation's client (OAuth mode): a DM must go out with its team's token.
        self._clients: Callable[[str], WebClient] = (
            (lambda _team_id: client) if isinstance(client, WebClient) else client
        )
        self._locales = locales
        self._batch = batch
        self._poll = poll_seconds
        self._monotonic = monotonic
        self._last_post: dict[str, float] = {}
        self._lease = lease
        # Whether the event being delivered was taken by a sender that never settled it (a
        # crash or kill after, perhaps, posting): then look in the channel before posting.
        self._in_doubt = False
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def client_for(self, team_id: str) -> WebClient:
        return self._clients(team_id)

    def notify(self) -> None:
        """Something was queued: deliver now rather than at the next poll."""
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                handled = self.deliver_due()
            except Exception:  # the loop must survive a database outage; it logs and retries
                log.exception("outbox pass failed")
                handled = 0
            if handled < self._batch:
                self._wake.wait(self._poll)
            self._wake.clear()

    def deliver_due(self) -> int:
        """One pass: claim what is due, deliver it, settle it. Returns how many were handled."""
        now = self._services.clock()
        with self._services.db.session() as session:
            claimed = queue.claim_due(
                session=session, now=now, limit=self._batch, lease=self._lease
            )
        for event, in_doubt in claimed:
            self._in_doubt = in_doubt
            self._deliver_one(event)
        return len(claimed)

    def _deliver_one(self, event: OutboxEvent) -> None:
        assert event.id is not None
        attempts = event.attempts
        try:
            wait = self._pace(event)
            if wait > 0:
                raise _Retry(wait, "paced", counts=False)
            attempts += 1
            self._send(event)
        except _Retry as retry:
            if not retry.counts:
                attempts = event.attempts
            status = queue.PENDING if attempts < MAX_ATTEMPTS else queue.FAILED
            doubt = self._in_doubt or retry.doubt
            self._settle(event.id, status, attempts, retry.reason, after=retry.after, doubt=doubt)
            if retry.counts:  # pacing is our own wait, not an attempt that failed
                outcome = "retry" if status == queue.PENDING else "failed"
                self._metrics.delivered(event.kind, outcome, retry.reason)
            if status == queue.FAILED:
                log.warning("outbox %s %s failed after %s attempts", event.kind, event.id, attempts)
                self._gave_up(event, retry.reason, private=False)
            return
        except _Failed as failed:
            self._settle(event.id, queue.FAILED, attempts, str(failed))
            self._metrics.delivered(event.kind, "failed", str(failed))
            log.warning("outbox %s %s failed: %s", event.kind, event.id, failed)
            self._gave_up(event, str(failed), private=failed.private)
            return
        self._settle(event.id, queue.SENT, attempts, None)
        self._metrics.delivered(event.kind, "sent")

    def _pace(self, event: OutboxEvent) -> float:
        if event.kind not in PACED:
            return 0.0
        last = self._last_post.get(event.target)
        now = self._monotonic()
        return 0.0 if last is None else max(0.0, last + PER_CHANNEL_INTERVAL - now)

    def _settle(
        self,
        event_id: int,
        status: str,
        attempts: int,
        error: str | None,
        *,
        after: float = 0,
        doubt: bool = False,
    ) -> None:
        now = self._services.clock()
        with self._services.db.session() as session:
            queue.settle(
                session=session,
                event_id=event_id,
                status=status,
                now=now,
                attempts=attempts,
                next_attempt_at=now + timedelta(seconds=after) if status == queue.PENDING else None,
                error=error,
                in_doubt=doubt and status == queue.PENDING,
            )

    def _send(self, event: OutboxEvent) -> None:
        handlers = {
            OutboxKind.OWNER_ASSIGNED: self._owner_assigned,
            OutboxKind.HOME_REFRESH: self._home_refresh,
            OutboxKind.REMINDER: self._reminder,
            OutboxKind.REMINDER_UPDATE: self._reminder_update,
            OutboxKind.DIGEST: self._digest,
            OutboxKind.ESCALATION: self._escalation,
            OutboxKind.VOTE_MESSAGE: self._vote_message,
            OutboxKind.VOTE_UPDATE: self._vote_update,
            OutboxKind.VOTE_RECEIPT: self._vote_receipt,
            OutboxKind.VOTE_REMINDER: self._vote_reminder,
            OutboxKind.ANNOUNCEMENT: self._announcement,
            OutboxKind.RESERVATION: self._reservation,
            OutboxKind.DELIVERY_FAILED: self._delivery_failed,
        }
        handler = handlers.get(event.kind)  # type: ignore[call-overload]
        if handler is None:
            raise _Failed(f"unknown outbox kind {event.kind!r}")
        try:
            handler(event)
        except PayloadError as err:
            raise _Failed(str(err)) from err
        except SlackApiError as err:
            raise self._classify(err, event.attempts + 1) from err
        except (SlackClientError, OSError) as err:
            raise _Retry(_backoff(event.attempts + 1), type(err).__name__, doubt=True) from err

    @staticmethod
    def _classify(err: SlackApiError, attempt: int) -> Exception:
        status = err.response.status_code
        if status == 429:
            retry_after = err.response.headers.get("Retry-After") or err.response.headers.get(
                "retry-after"
            )
            return _Retry(float(retry_after or 1), "ratelimited")
        if status >= 500:
            return _Retry(_backoff(attempt), f"http {status}", doubt=True)
        return _Failed(str(err.response.get("error") or status))

    def _language(self, event: OutboxEvent, user_id: str | None = None) -> str:
        return self._locales.language(
            self.client_for(event.team_id), event.team_id, user_id or event.target
        )

    def _post(
        self,
        event: OutboxEvent,
        message: messages.Message,
        *,
        thread_ts: str | None = None,
        check: bool = False,
    ) -> str:
        """Post a new message carrying the event's key as metadata; return its ts.

        Before posting an event in doubt (or when `check` is set) the channel's recent history
        is searched for that key, so a message whose answer was lost is not posted twice.
        """
        if check or self._in_doubt:
            found = self._posted_before(event)
            if found is not None:
                log.info("outbox %s was already posted; not posting it again", event.key)
                return found
        metadata = {"event_type": MARKER_EVENT, "event_payload": {"key": event.key}}
        kwargs: dict[str, Any] = {"metadata": metadata, **message.as_kwargs()}
        if thread_ts:
            kwargs["thread_ts"] = thread_ts
        self._last_post[event.target] = self._monotonic()
        response = self.client_for(event.team_id).chat_postMessage(channel=event.target, **kwargs)
        return str(response["ts"])

    def _posted_before(self, event: OutboxEvent) -> str | None:
        channel = event.target
        try:
            if channel[:1] in ("U", "W"):  # a DM is posted to the user; its history is the IM's
                channel = str(
                    self.client_for(event.team_id).conversations_open(users=channel)["channel"][
                        "id"
                    ]
                )
            history = self.client_for(event.team_id).conversations_history(
                channel=channel, limit=HISTORY_LOOKBACK, include_all_metadata=True
            )
        except SlackApiError as err:
            if err.response.get("error") in _NOT_A_MEMBER:
                return None  # not a member: nothing of ours can be there
            raise
        for message in history.get("messages") or []:
            meta = message.get("metadata") or {}
            if (
                meta.get("event_type") == MARKER_EVENT
                and (meta.get("event_payload") or {}).get("key") == event.key
            ):
                return str(message.get("ts"))
        return None

    @staticmethod
    def _payload(event: OutboxEvent, expected: type[P]) -> P:
        return out.payload_of(event.kind, event.payload, expected)

    def _owner_assigned(self, event: OutboxEvent) -> None:
        p = self._payload(event, out.OwnerAssigned)
        activity = self._services.phase(p.phase).activity(p.activity)
        message = messages.owner_assigned(
            activity, p.project, p.channel, p.due, p.by, self._language(event)
        )
        self._post(event, message)

    def _take_pending(self, event: OutboxEvent) -> None:
        """Coalescing: from now on a new change queues a new refresh, which will render the
        state after it; this one renders whatever has been committed until now."""
        assert event.id is not None
        if out.is_coalesced(event.key):
            with self._services.db.session() as session:
                queue.rekey(
                    session=session, event_id=event.id, key=out.taken_key(event.key, event.id)
                )

    def _home_refresh(self, event: OutboxEvent) -> None:
        self._take_pending(event)
        mine = my_activities(self._services, event.team_id, event.target)
        view = messages.home_view(mine, self._language(event))
        self.client_for(event.team_id).views_publish(user_id=event.target, view=view)

    # Reminders are rendered from the activities as they are when sent: an activity finished
    # since the tick shows as finished, and a reminder with nothing left open is not sent.

    def _view(self, event: OutboxEvent, ids: tuple[int, ...]) -> ReminderView | None:
        return reminder_view(self._services, event.team_id, ids, self._services.clock())

    def _listed(self, event: OutboxEvent) -> tuple[out.ActivityList, ReminderView | None]:
        listed = self._payload(event, out.ActivityList)
        return listed, self._view(event, listed.activities)

    def _reminder(self, event: OutboxEvent) -> None:
        listed, view = self._listed(event)
        if view is None or not view.open_items:
            return
        message = messages.reminder(view, self._language(event), snoozed_only=listed.snoozed)
        self._post(event, message)

    def _reminder_update(self, event: OutboxEvent) -> None:
        p = self._payload(event, out.ReminderUpdate)
        view = self._view(event, p.activities)
        if view is None:
            return
        message = messages.reminder(view, self._language(event, p.reader))
        self.client_for(event.team_id).chat_update(
            channel=event.target, ts=p.ts, **message.as_kwargs()
        )

    def _digest(self, event: OutboxEvent) -> None:
        _, view = self._listed(event)
        if view is None:
            return
        today = self._services.today(self._services.clock())
        still = tuple(
            i
            for i in view.items
            if i.status is ActivityStatus.BLOCKED
            or (not i.finished and i.due is not None and i.due < today)
        )
        if still:
            # A channel has no locale of its own: Swedish, the bot's first language.
            self._post(event, messages.digest(replace(view, items=still), CHANNEL_LANGUAGE))

    def _escalation(self, event: OutboxEvent) -> None:
        _, view = self._listed(event)
        if view is None or not view.open_items:
            return
        self._post(event, messages.escalation(view, view.open_items[0], self._language(event)))

    # The vote message lives in a channel, which has no locale: it is in Swedish.

    def _vote(self, event: OutboxEvent, vote_id: int | None = None) -> VoteView:
        if vote_id is None:
            vote_id = self._payload(event, out.VoteRef).vote
        view = votes.vote_view(self._services, vote_id)
        if view is None:
            raise _Failed("the vote no longer exists")
        return view

    def _vote_message(self, event: OutboxEvent) -> None:
        view = self._vote(event)
        ts = self._post(event, messages.vote_message(view, CHANNEL_LANGUAGE))
        votes.message_posted(self._services, view.vote_id, ts)

    def _vote_update(self, event: OutboxEvent) -> None:
        self._take_pending(event)
        view = self._vote(event)
        if view.message_ts is None:
            raise _Retry(2.0, "the vote message is not posted yet")
        message = messages.vote_message(view, CHANNEL_LANGUAGE)
        self._last_post[event.target] = self._monotonic()
        self.client_for(event.team_id).chat_update(
            channel=event.target, ts=view.message_ts, **message.as_kwargs()
        )

    def _vote_receipt(self, event: OutboxEvent) -> None:
        p = self._payload(event, out.VoteReceipt)
        view = self._vote(event, p.vote)
        message = messages.vote_receipt(view, p.choice, True, False, self._language(event))
        self.client_for(event.team_id).chat_postEphemeral(
            channel=view.channel_id, user=event.target, **message.as_kwargs()
        )

    def _vote_reminder(self, event: OutboxEvent) -> None:
        view = self._vote(event)
        if not view.is_open or event.target not in view.tally.not_voted:
            return  # voted, declared jäv, or the vote closed since the tick queued this
        self._post(event, messages.vote_reminder(view, self._language(event)))

    # The announcement: exactly one per channel and decision. The outbox key makes one event per
    # channel; the key in the message's metadata lets a retry see that an earlier attempt got
    # through even if its answer was lost (a timeout, a crash before settling).

    def _announcement(self, event: OutboxEvent) -> None:
        view = self._vote(event)
        permalink = None
        if view.message_ts:
            try:
                response = self.client_for(event.team_id).chat_getPermalink(
                    channel=view.channel_id, message_ts=view.message_ts
                )
                permalink = str(response["permalink"])
            except SlackApiError as err:  # a link is nice to have; the announcement is not
                log.info("no permalink for the vote message: %s", err.response.get("error"))
        message = messages.announcement(view, permalink, CHANNEL_LANGUAGE)
        # Announcements are few and must never come twice: always look first.
        try:
            self._post(event, message, check=True)
        except SlackApiError as err:
            # A private channel the bot is not in looks like no channel at all to it.
            if err.response.get("error") not in _NOT_A_MEMBER:
                raise
            self._join(event.target, event.team_id)
            self._post(event, message)

    def _join(self, channel: str, team_id: str) -> None:
        """A public channel the bot may join by itself; a private one needs an invitation."""
        try:
            self.client_for(team_id).conversations_join(channel=channel)
        except SlackApiError as err:
            error = str(err.response.get("error"))
            if error in ("method_not_supported_for_channel_type", "channel_not_found"):
                raise _Failed(f"not_in_channel ({error})", private=True) from err
            raise

    def _reservation(self, event: OutboxEvent) -> None:
        p = self._payload(event, out.ReservationPosted)
        view = self._vote(event, p.vote)
        if view.message_ts is None:
            raise _Retry(2.0, "the vote message is not posted yet")
        message = messages.reservation_posted(p.user, p.reason, CHANNEL_LANGUAGE)
        self._post(event, message, thread_ts=view.message_ts)

    def _gave_up(self, event: OutboxEvent, error: str, *, private: bool) -> None:
        """An announcement that will not arrive is told to the projektledare, once."""
        if event.kind != OutboxKind.ANNOUNCEMENT:
            return
        view = votes.vote_view(self._services, self._payload(event, out.VoteRef).vote)
        if view is None:
            return
        failed = out.DeliveryFailed(view.vote_id, event.target, private, error)
        told = out.delivery_failed(event.team_id, view.lead_id, event.key, event.attempts, failed)
        with self._services.db.session() as session:
            enqueue(session, self._services.clock(), told)
        self.notify()

    def _delivery_failed(self, event: OutboxEvent) -> None:
        p = self._payload(event, out.DeliveryFailed)
        view = self._vote(event, p.vote)
        message = messages.delivery_failed(
            view, p.channel, p.private, p.error, self._language(event)
        )
        self._post(event, message)


def _backoff(attempt: int) -> float:
    return min(MAX_BACKOFF, 2.0 ** (attempt - 1))
