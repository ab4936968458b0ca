"""Slack out: one small delivery per outbox kind, registered into the sender.

Each renders its event through `messages` in the recipient's language and makes the Web API
calls. Slack's errors become the sender's outcomes (bot.slack.outcomes): 429 a Retry at its
Retry-After, 5xx and network failures a Retry in doubt, any other refusal a Failed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import partial
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

import messages
from bot.domain.decision import VoteView
from bot.domain.reminders import ReminderView, still_in_digest
from bot.outbox import Attempt, Delivery, Failed, Retry
from bot.outbox.budget import Scope
from bot.services import jav, justering, receipts, reminders, votes
from bot.services import outbox_events as out
from bot.services.activities import my_activities
from bot.services.context import Services
from bot.services.outbox_events import OutboxKind
from bot.services.reminders import reminder_view
from bot.slack import record_deliveries
from bot.slack.locale import Locales
from bot.slack.outcomes import outcome, translated

log = logging.getLogger(__name__)

# A channel has no locale of its own: Swedish, the bot's first language.
CHANNEL_LANGUAGE = "sv"
# Every message the sender posts carries its outbox key under this metadata event type.
MARKER_EVENT = "forvaltningsbot_outbox"
# A non-Marketplace app may read 15 messages of history a call (and one call a minute).
HISTORY_LOOKBACK = 15
# Slack's clock and ours may differ by a little: the look back starts this much earlier.
CLOCK_SKEW = timedelta(seconds=10)
_NOT_A_MEMBER = ("not_in_channel", "channel_not_found")


@dataclass(frozen=True)
class SlackOut:
    """What every Slack delivery shares: the services, a client per workspace, the locales."""

    services: Services
    clients: Callable[[str], WebClient]
    locales: Locales

    def client(self, attempt: Attempt) -> WebClient:
        """A DM must go out with its own workspace's token."""
        return self.clients(attempt.team_id)

    def language(self, attempt: Attempt, user_id: str | None = None) -> str:
        return self.locales.language(
            self.client(attempt), attempt.team_id, user_id or attempt.target
        )

    def post(
        self,
        attempt: Attempt,
        message: messages.Message,
        *,
        thread_ts: str | None = None,
    ) -> str:
        """Post a new message carrying the event's key as metadata; return its ts."""
        return self.post_in(attempt, message, thread_ts=thread_ts)[1]

    def post_in(
        self,
        attempt: Attempt,
        message: messages.Message,
        *,
        thread_ts: str | None = None,
    ) -> tuple[str, str]:
        """Post as `post` does; return the channel (a DM's own, for a user) and the ts.

        Before posting an event in doubt the channel's history since its first attempt is
        searched for that key, so a message whose answer was lost is not posted twice; an
        event no earlier attempt of which can have reached Slack posts without looking.
        """
        if attempt.in_doubt:
            found = self._posted_before(attempt)
            if found is not None:
                log.info("outbox %s was already posted; not posting it again", attempt.key)
                return found
        metadata = {"event_type": MARKER_EVENT, "event_payload": {"key": attempt.key}}
        kwargs: dict[str, Any] = {"metadata": metadata, **message.as_kwargs()}
        if thread_ts:
            kwargs["thread_ts"] = thread_ts
        attempt.posting()
        response = self.client(attempt).chat_postMessage(channel=attempt.target, **kwargs)
        return str(response.get("channel") or attempt.target), str(response["ts"])

    def posted_with_key(self, attempt: Attempt) -> str | None:
        """The ts of our message carrying `attempt.key` in its channel's recent history (all of
        it within the lookback, not only since this attempt began)."""
        found = self._posted_before(replace(attempt, first_attempt_at=None))
        return found[1] if found else None

    def _posted_before(self, attempt: Attempt) -> tuple[str, str] | None:
        def ours(message: dict[str, Any]) -> bool:
            meta = message.get("metadata") or {}
            payload = meta.get("event_payload") or {}
            return bool(
                meta.get("event_type") == MARKER_EVENT and payload.get("key") == attempt.key
            )

        return self.found_in_history(attempt, ours)

    def found_in_history(
        self, attempt: Attempt, matches: Callable[[dict[str, Any]], bool]
    ) -> tuple[str, str] | None:
        """The channel and ts of a message `matches` in the target's history since the
        attempt's first try (an attempt in doubt looks there before it posts again)."""
        client = self.client(attempt)
        channel = attempt.target
        try:
            if channel[:1] in ("U", "W"):  # a DM is posted to the user; its history is the IM's
                channel = str(client.conversations_open(users=channel)["channel"]["id"])
            since: dict[str, Any] = {}
            if attempt.first_attempt_at is not None:
                since["oldest"] = f"{(attempt.first_attempt_at - CLOCK_SKEW).timestamp():.6f}"
            attempt.looking()
            history = client.conversations_history(
                channel=channel, limit=HISTORY_LOOKBACK, include_all_metadata=True, **since
            )
        except SlackApiError as err:
            if self.not_a_member(err):
                return None  # not a member: nothing of ours can be there
            if err.response.status_code == 429:  # the history budget: only this event waits
                raise outcome(err, Scope.LOOKUP) from err
            raise
        for message in history.get("messages") or []:
            if matches(message):
                return channel, str(message.get("ts"))
        return None

    @staticmethod
    def not_a_member(err: SlackApiError) -> bool:
        return err.response.get("error") in _NOT_A_MEMBER

    def join(self, attempt: Attempt) -> None:
        """A public channel the bot may join by itself; a private one needs an invitation."""
        try:
            self.client(attempt).conversations_join(channel=attempt.target)
        except SlackApiError as err:
            error = str(err.response.get("error"))
            if error in ("method_not_supported_for_channel_type", "channel_not_found"):
                raise Failed(f"not_in_channel ({error})", private=True) from err
            raise

    def permalink(self, attempt: Attempt, view: VoteView) -> str | None:
        """A link to the vote message; nice to have, so its absence fails nothing."""
        if not view.message_ts:
            return None
        try:
            response = self.client(attempt).chat_getPermalink(
                channel=view.channel_id, message_ts=view.message_ts
            )
        except SlackApiError as err:
            log.info("no permalink for the vote message: %s", err.response.get("error"))
            return None
        return str(response["permalink"])


def owner_assigned(slack: SlackOut, attempt: Attempt) -> None:
    p = attempt.payload(out.OwnerAssigned)
    activity = slack.services.phase(p.phase).activity(p.activity)
    message = messages.owner_assigned(
        activity, p.project, p.channel, p.due, p.by, slack.language(attempt)
    )
    slack.post(attempt, message)


def home_refresh(slack: SlackOut, attempt: Attempt) -> None:
    mine = my_activities(slack.services, attempt.team_id, attempt.target)
    waiting = replace(
        jav.waiting_for(slack.services, attempt.team_id, attempt.target),
        to_justera=justering.to_justera(slack.services, attempt.team_id, attempt.target),
    )
    view = messages.home_view(mine, slack.language(attempt), waiting)
    slack.client(attempt).views_publish(user_id=attempt.target, view=view)


# Reminders are rendered from the activities as they are when sent: an activity finished
# since the tick shows as finished, and a reminder with nothing left open is not sent.


def _view(slack: SlackOut, attempt: Attempt, ids: tuple[int, ...]) -> ReminderView | None:
    return reminder_view(slack.services, attempt.team_id, ids, slack.services.clock())


def _listed(slack: SlackOut, attempt: Attempt) -> tuple[out.ActivityList, ReminderView | None]:
    listed = attempt.payload(out.ActivityList)
    return listed, _view(slack, attempt, listed.activities)


def reminder(slack: SlackOut, attempt: Attempt) -> None:
    listed, view = _listed(slack, attempt)
    if view is None or not view.open_items:
        return
    message = messages.reminder(view, slack.language(attempt), snoozed_only=listed.snoozed)
    channel, ts = slack.post_in(attempt, message)
    # What a click in this DM may redraw is what the bot recorded here, not what it claims.
    ids = tuple(item.activity_id for item in view.items)
    attempt.records.append(
        reminders.ReminderPosted(attempt.team_id, attempt.target, channel, ts, ids)
    )


def reminder_update(slack: SlackOut, attempt: Attempt) -> None:
    p = attempt.payload(out.ReminderUpdate)
    view = _view(slack, attempt, p.activities)
    if view is None:
        return
    message = messages.reminder(view, slack.language(attempt, p.reader))
    slack.client(attempt).chat_update(channel=attempt.target, ts=p.ts, **message.as_kwargs())


def digest(slack: SlackOut, attempt: Attempt) -> None:
    _, view = _listed(slack, attempt)
    if view is None:
        return
    today = slack.services.today(slack.services.clock())
    still = still_in_digest(view.items, today)
    if still:
        slack.post(attempt, messages.digest(replace(view, items=still), CHANNEL_LANGUAGE))


def escalation(slack: SlackOut, attempt: Attempt) -> None:
    _, view = _listed(slack, attempt)
    if view is None or not view.open_items:
        return
    message = messages.escalation(view, view.open_items[0], slack.language(attempt))
    slack.post(attempt, message)


# The vote message lives in a channel, which has no locale: it is in Swedish.


def _vote(slack: SlackOut, vote_id: int) -> VoteView:
    view = votes.vote_view(slack.services, vote_id)
    if view is None:
        raise Failed("the vote no longer exists")
    return view


def _posted_vote(slack: SlackOut, vote_id: int) -> tuple[VoteView, str]:
    """The vote and its message's ts, for what edits it or threads under it."""
    view = _vote(slack, vote_id)
    if view.message_ts is None:
        raise Retry(2.0, "the vote message is not posted yet")
    return view, view.message_ts


def vote_message(slack: SlackOut, attempt: Attempt) -> None:
    view = _vote(slack, attempt.payload(out.VoteRef).vote)
    try:
        ts = slack.post(attempt, messages.vote_message(view, CHANNEL_LANGUAGE))
    except SlackApiError as err:
        # The bot joins only stakeholder channels (see `announcement`): a vote channel it is
        # not in is the projektledare's to invite it to, as for a private channel.
        if slack.not_a_member(err):
            raise Failed(f"not_in_channel ({err.response.get('error')})", private=True) from err
        raise
    votes.message_posted(slack.services, view.vote_id, ts)


def vote_update(slack: SlackOut, attempt: Attempt) -> None:
    view, ts = _posted_vote(slack, attempt.payload(out.VoteRef).vote)
    message = messages.vote_message(view, CHANNEL_LANGUAGE)
    attempt.posting()
    slack.client(attempt).chat_update(channel=attempt.target, ts=ts, **message.as_kwargs())


def vote_receipt(slack: SlackOut, attempt: Attempt) -> None:
    p = attempt.payload(out.VoteReceipt)
    found = receipts.receipt(slack.services, p.vote, attempt.target, p.choice)
    if found is None:
        raise Failed("the vote no longer exists")
    if found.choice is None:
        return
    lang = slack.language(attempt)
    message = messages.vote_receipt(found.subject, found.choice, True, False, lang)
    slack.client(attempt).chat_postEphemeral(
        channel=found.subject.channel_id, user=attempt.target, **message.as_kwargs()
    )


def vote_reminder(slack: SlackOut, attempt: Attempt) -> None:
    view = _vote(slack, attempt.payload(out.VoteRef).vote)
    if not view.is_open or attempt.target not in view.tally.not_voted:
        return  # voted, declared jäv, or the vote closed since the tick queued this
    slack.post(attempt, messages.vote_reminder(view, slack.language(attempt)))


# The announcement: exactly one per channel and decision. The outbox key makes one event per
# channel; the key in the message's metadata lets a retry see that an earlier attempt got
# through even if its answer was lost (a timeout, a crash before settling).


def announcement(slack: SlackOut, attempt: Attempt) -> None:
    view = _vote(slack, attempt.payload(out.VoteRef).vote)
    record = justering.record_of(slack.services, view.vote_id)
    people = record.justering.justerare if record and record.justering else ()
    message = messages.announcement(view, slack.permalink(attempt, view), CHANNEL_LANGUAGE, people)
    # Never twice: a first attempt cannot have been posted, and a retry after anything Slack
    # may have acted on (a 5xx, a timeout, a lapsed lease) is in doubt, so it looks first.
    try:
        slack.post(attempt, message)
    except SlackApiError as err:
        # A private channel the bot is not in looks like no channel at all to it.
        if not slack.not_a_member(err):
            raise
        slack.join(attempt)
        slack.post(attempt, message)


def reservation(slack: SlackOut, attempt: Attempt) -> None:
    p = attempt.payload(out.ReservationPosted)
    _, ts = _posted_vote(slack, p.vote)
    message = messages.reservation_posted(p.user, p.reason, CHANNEL_LANGUAGE)
    slack.post(attempt, message, thread_ts=ts)


def delivery_failed(slack: SlackOut, attempt: Attempt) -> None:
    p = attempt.payload(out.DeliveryFailed)
    view = _vote(slack, p.vote)
    message = messages.delivery_failed(
        view, p.channel, p.private, p.error, slack.language(attempt), vote_message=p.vote_message
    )
    slack.post(attempt, message)


def jav_ruling(slack: SlackOut, attempt: Attempt) -> None:
    """The one who rules on a raised jäv gets Jävig / Inte jävig in a DM."""
    question = attempt.payload(out.JavRuling).question
    found = jav.pending_question(slack.services, question)
    if found is None:
        return  # ruled, or the vote closed, since this was queued
    view, raised = found
    message = messages.jav_ruling_request(view, raised, question, slack.language(attempt))
    slack.post(attempt, message)


BY_KIND: Mapping[OutboxKind, Callable[[SlackOut, Attempt], None]] = {
    OutboxKind.OWNER_ASSIGNED: owner_assigned,
    OutboxKind.HOME_REFRESH: home_refresh,
    OutboxKind.REMINDER: reminder,
    OutboxKind.REMINDER_UPDATE: reminder_update,
    OutboxKind.DIGEST: digest,
    OutboxKind.ESCALATION: escalation,
    OutboxKind.VOTE_MESSAGE: vote_message,
    OutboxKind.VOTE_UPDATE: vote_update,
    OutboxKind.VOTE_RECEIPT: vote_receipt,
    OutboxKind.VOTE_REMINDER: vote_reminder,
    OutboxKind.ANNOUNCEMENT: announcement,
    OutboxKind.RESERVATION: reservation,
    OutboxKind.DELIVERY_FAILED: delivery_failed,
    OutboxKind.JAV_RULING: jav_ruling,
    OutboxKind.JUSTERING: record_deliveries.justering_request,
    OutboxKind.CHANGE_REQUEST: record_deliveries.change_request,
    OutboxKind.ANSLAG: record_deliveries.anslag,
    OutboxKind.RECORD_PDF: record_deliveries.record_pdf,
}


def slack_deliveries(
    services: Services, client: WebClient | Callable[[str], WebClient], locales: Locales
) -> dict[OutboxKind, Delivery]:
    """The Slack delivery of every kind, for the sender. `client`: one for every team
    (single-token mode), or each workspace's own installation's client (OAuth mode)."""
    clients = (lambda _team_id: client) if isinstance(client, WebClient) else client
    slack = SlackOut(services, clients, locales)
    return {kind: translated(partial(deliver, slack)) for kind, deliver in BY_KIND.items()}
