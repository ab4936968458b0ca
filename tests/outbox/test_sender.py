"""The sender alone: what it does with each outcome a delivery reports, on a clock the test
moves, with a scripted delivery in place of a platform."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from bot.outbox import (
    MAX_ATTEMPTS,
    MAX_BACKOFF,
    Attempt,
    Delivery,
    Failed,
    OutboxSender,
    Retry,
    backoff,
)
from bot.outbox import sender as sender_module
from bot.outbox.budget import Budgets
from bot.outbox.pacing import HOME_INTERVAL, RECEIPT_INTERVAL
from bot.outbox.shares import PER_TEAM
from bot.services import delivery
from bot.services import outbox_events as out
from bot.services.context import Services
from bot.services.outbox_events import OutboxKind
from tests.outbox.support import (
    LEAD,
    OTHER,
    OWNER,
    STAKEHOLDERS,
    TEAM,
    Clock,
    Scripted,
    kinds_queued,
    open_vote,
    put,
    put_raw,
    stored,
)
from tests.support.waiting import eventually


def sender(
    services: Services, clock: Clock, deliveries: dict[OutboxKind, Delivery]
) -> OutboxSender:
    return OutboxSender(services, deliveries, monotonic=clock.monotonic)


def reminder(owner: str = OWNER, occasion: str = "monday") -> out.Outgoing:
    """A paced kind: it posts in `owner`'s DM."""
    return out.reminder(TEAM, 1, owner, occasion, [1])


def test_a_rate_limit_is_retried_at_its_retry_after(services: Services, clock: Clock) -> None:
    scripted = Scripted([Retry(30, "ratelimited")])
    outbox = sender(services, clock, {OutboxKind.REMINDER: scripted})
    event = reminder()
    put(services, event)
    assert outbox.deliver_due() == 1
    clock.advance(29)
    assert outbox.deliver_due() == 0
    clock.advance(1)
    assert outbox.deliver_due() == 1
    assert [a.number for a in scripted.seen] == [1, 2]
    assert (stored(services, event.key).status, stored(services, event.key).attempts) == (
        "sent",
        2,
    )


def test_server_errors_back_off_exponentially_and_give_up_after_max_attempts(
    services: Services, clock: Clock
) -> None:
    scripted = Scripted([Retry(None, "http 503") for _ in range(MAX_ATTEMPTS + 1)])
    outbox = sender(services, clock, {OutboxKind.REMINDER: scripted})
    event = reminder()
    put(services, event)
    assert outbox.deliver_due() == 1
    for wait in (1, 2, 4, 8, 16, 32, 64):
        clock.advance(wait - 1)
        assert outbox.deliver_due() == 0, f"due before its backoff of {wait} s"
        clock.advance(1)
        assert outbox.deliver_due() == 1
    failed = stored(services, event.key)
    assert (failed.status, failed.attempts, failed.last_error) == ("failed", 8, "http 503")
    clock.advance(3600)
    assert outbox.deliver_due() == 0
    assert len(scripted.seen) == MAX_ATTEMPTS
    # Only an announcement that will not arrive is told to anyone.
    assert kinds_queued(services) == [OutboxKind.REMINDER]


@pytest.mark.parametrize(
    ("attempt", "seconds"),
    [(1, 1), (2, 2), (3, 4), (8, 128), (9, 256), (10, MAX_BACKOFF), (30, MAX_BACKOFF)],
)
def test_backoff_doubles_up_to_its_cap(attempt: int, seconds: float) -> None:
    assert backoff(attempt) == seconds


@pytest.mark.parametrize(
    ("outcomes", "error", "private"),
    [
        ([Failed("not_in_channel (channel_not_found)", private=True)], "not_in_channel", True),
        ([Retry(1, "ratelimited") for _ in range(MAX_ATTEMPTS)], "ratelimited", False),
    ],
    ids=["refused", "exhausted"],
)
def test_an_announcement_that_gives_up_is_told_to_the_projektledare(
    services: Services, clock: Clock, outcomes: list[Exception], error: str, private: bool
) -> None:
    vote_id = open_vote(services)
    told = Scripted(expects=out.DeliveryFailed)
    deliveries: dict[OutboxKind, Delivery] = {
        OutboxKind.ANNOUNCEMENT: Scripted(outcomes),
        OutboxKind.DELIVERY_FAILED: told,
    }
    outbox = sender(services, clock, deliveries)
    put(services, out.announcement(TEAM, vote_id, STAKEHOLDERS))
    for _ in range(MAX_ATTEMPTS + 1):
        outbox.deliver_due()
        clock.advance(1)
    assert [a.target for a in told.seen] == [LEAD.user_id]
    (payload,) = told.payloads
    assert isinstance(payload, out.DeliveryFailed)
    assert (payload.vote, payload.channel, payload.private) == (vote_id, STAKEHOLDERS, private)
    assert payload.error.startswith(error)


def test_a_lapsed_lease_puts_the_next_attempt_in_doubt(services: Services, clock: Clock) -> None:
    scripted = Scripted()
    outbox = sender(services, clock, {OutboxKind.REMINDER: scripted})
    put(services, reminder())
    # A sender takes it and dies before settling it (perhaps after Slack had it).
    assert len(delivery.claim(services, limit=10, lease=timedelta(seconds=60))) == 1
    clock.advance(59)
    assert outbox.deliver_due() == 0, "taken by another sender's lease"
    clock.advance(1)
    assert outbox.deliver_due() == 1
    assert [(a.number, a.in_doubt) for a in scripted.seen] == [(1, True)]


def test_a_doubtful_failure_keeps_the_event_in_doubt_until_it_is_delivered(
    services: Services, clock: Clock
) -> None:
    outcomes: list[Exception] = [
        Retry(5, "ratelimited"),
        Retry(None, "http 502", doubt=True),
        Retry(5, "ratelimited"),
    ]
    scripted = Scripted(outcomes)
    outbox = sender(services, clock, {OutboxKind.REMINDER: scripted})
    put(services, reminder())
    for _ in range(4):
        assert outbox.deliver_due() == 1
        clock.advance(5)
    assert [a.in_doubt for a in scripted.seen] == [False, False, True, True]


def test_pacing_per_target_is_a_wait_not_an_attempt(services: Services, clock: Clock) -> None:
    reminders, homes = Scripted(), Scripted()
    outbox = sender(
        services, clock, {OutboxKind.REMINDER: reminders, OutboxKind.HOME_REFRESH: homes}
    )
    second = reminder(occasion="tuesday")
    put(services, reminder(), second, reminder(OTHER), out.home_refresh(TEAM, OWNER))
    assert outbox.deliver_due() == 4
    # One post a second per target; another target, or a kind that posts nothing, goes now.
    assert [a.target for a in reminders.seen] == [OWNER, OTHER]
    assert [a.target for a in homes.seen] == [OWNER]
    assert (stored(services, second.key).status, stored(services, second.key).attempts) == (
        "pending",
        0,
    )
    clock.advance(1)
    assert outbox.deliver_due() == 1
    assert (reminders.seen[-1].key, reminders.seen[-1].number) == (second.key, 1)


def test_a_home_tab_is_drawn_at_once_and_then_at_most_every_interval(
    services: Services, clock: Clock
) -> None:
    homes = Scripted()
    outbox = sender(services, clock, {OutboxKind.HOME_REFRESH: homes})
    put(services, out.home_refresh(TEAM, OWNER))
    assert outbox.deliver_due() == 1
    # Two more changes of the owner's at once fold into one refresh; another person's goes now.
    put(services, out.home_refresh(TEAM, OWNER), out.home_refresh(TEAM, OTHER))
    put(services, out.home_refresh(TEAM, OWNER))
    outbox.deliver_due()
    assert [a.target for a in homes.seen] == [OWNER, OTHER]
    clock.advance(HOME_INTERVAL)
    outbox.deliver_due()
    assert [a.target for a in homes.seen] == [OWNER, OTHER, OWNER]
    clock.advance(HOME_INTERVAL)
    assert outbox.deliver_due() == 0  # the two changes were one refresh


def test_a_voters_receipt_goes_at_once_and_then_at_most_every_interval(
    services: Services, clock: Clock
) -> None:
    receipts = Scripted(expects=out.VoteReceipt)
    outbox = sender(services, clock, {OutboxKind.VOTE_RECEIPT: receipts})
    put(services, out.ballot_receipt(TEAM, 1, OWNER, "yes"))
    assert outbox.deliver_due() == 1
    # Two more clicks of the owner's fold into one receipt; another voter's goes now, and so
    # does the owner's jäv in another vote (one receipt per declaration, never held back).
    put(
        services, out.ballot_receipt(TEAM, 1, OWNER, "no"), out.ballot_receipt(TEAM, 1, OTHER, "no")
    )
    put(services, out.ballot_receipt(TEAM, 1, OWNER, "yes"), out.jav_receipt(TEAM, 2, OWNER, 7))
    outbox.deliver_due()
    assert sorted((a.target, a.payload(out.VoteReceipt).vote) for a in receipts.seen) == sorted(
        [(OTHER, 1), (OWNER, 1), (OWNER, 2)]
    )
    clock.advance(RECEIPT_INTERVAL)
    outbox.deliver_due()
    assert [(a.target, a.payload(out.VoteReceipt).vote) for a in receipts.seen[3:]] == [(OWNER, 1)]
    clock.advance(RECEIPT_INTERVAL)
    assert outbox.deliver_due() == 0  # the two clicks were one receipt


def test_an_unknown_kind_or_a_misfit_payload_fails_only_that_event(
    services: Services, clock: Clock
) -> None:
    reminders = Scripted(expects=out.ActivityList)
    announcements = Scripted(expects=out.VoteRef)
    deliveries: dict[OutboxKind, Delivery] = {
        OutboxKind.REMINDER: reminders,
        OutboxKind.ANNOUNCEMENT: announcements,
    }
    outbox = sender(services, clock, deliveries)
    put_raw(services, "from-the-future", "poll_opened", {"poll": 1})
    put_raw(services, "no-delivery", OutboxKind.VOTE_MESSAGE, {"vote": 1})
    put_raw(services, "hand-edited", OutboxKind.REMINDER, {"items": [1]})
    put_raw(services, "no-vote", OutboxKind.ANNOUNCEMENT, {"channel": STAKEHOLDERS})
    good = reminder()
    put(services, good)
    assert outbox.deliver_due() == 5
    assert stored(services, good.key).status == "sent"
    assert reminders.payloads == [out.ActivityList((1,))]
    for key in ("from-the-future", "no-delivery", "hand-edited", "no-vote"):
        assert stored(services, key).status == "failed", key
    assert "unknown outbox kind 'poll_opened'" in (
        stored(services, "from-the-future").last_error or ""
    )
    # A misfit announcement names no vote, so there is no projektledare to tell.
    assert OutboxKind.DELIVERY_FAILED not in kinds_queued(services)


def test_a_workspace_with_more_due_than_one_claim_takes_is_claimed_again_at_once(
    services: Services, clock: Clock
) -> None:
    """A claim takes at most PER_TEAM events of one workspace. The rest of a burst (receipts,
    which post nothing paced) go as soon as a worker is free, not at the next poll: here one
    the test's clock never reaches, so without the claim again only the first PER_TEAM go."""
    delivered: list[str] = []

    def receipt(attempt: Attempt) -> None:
        delivered.append(attempt.key)

    outbox = OutboxSender(
        services, {OutboxKind.VOTE_RECEIPT: receipt}, monotonic=clock.monotonic, poll_seconds=3600
    )
    burst = [out.ballot_receipt(TEAM, 1, f"U{n:04d}", "yes") for n in range(3 * PER_TEAM)]
    put(services, *burst)
    outbox.start()
    try:
        eventually(lambda: len(delivered) == len(burst))
    finally:
        outbox.stop()
    assert sorted(delivered) == sorted(e.key for e in burst)


def test_a_post_counts_in_its_window_once_while_its_event_is_still_being_settled(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workspace that takes one post a window: the second owner's reminder goes when the
    first one's window has passed, though the first one's settling has not returned yet (it
    counted twice, as a post made and as one still to be made, until its worker was done)."""
    posted: list[str] = []
    settling = threading.Event()
    real_sent_many = delivery.sent_many

    def slow_sent_many(services: Services, batch: list[delivery.Sent]) -> None:
        if any(done.event.target == OWNER for done in batch):
            assert settling.wait(30), "the test never let the first reminder be settled"
        real_sent_many(services, batch)

    def post(attempt: Attempt) -> None:
        attempt.posting()
        posted.append(attempt.target)

    monkeypatch.setattr(delivery, "sent_many", slow_sent_many)  # as the settler calls it
    outbox = OutboxSender(
        services,
        {OutboxKind.REMINDER: post},
        budgets=Budgets(time.monotonic, posts_per_second=1),
    )
    put(services, reminder(OWNER), reminder(OTHER))
    outbox.start()
    try:
        assert eventually(lambda: posted == [OWNER, OTHER], seconds=5), posted
    finally:
        settling.set()
        outbox.stop()
    assert stored(services, reminder(OWNER).key).status == "sent"


def test_a_workspace_whose_window_is_nearly_spent_keeps_no_other_workspace_waiting(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workspace that takes two posts a window has one left: of its two due reminders the
    claim takes only the one that fits, so a small backlog has room for another workspace's
    reminder queued next, which goes at once, before the first workspace's window reopens."""
    posted: list[str] = []

    def post(attempt: Attempt) -> None:
        attempt.posting()
        posted.append(attempt.key)

    monkeypatch.setattr(sender_module, "BACKLOG", 2)
    monkeypatch.setattr(sender_module, "CLAIM_ROOM", 2)  # a claim only when nothing is held
    outbox = OutboxSender(
        services,
        {OutboxKind.REMINDER: post},
        budgets=Budgets(time.monotonic, posts_per_second=2),
    )
    first, second, third = (reminder(f"UA{n}") for n in range(3))
    other = out.reminder("T2", 2, "UB0", "monday", [1])
    put(services, first)
    outbox.start()
    try:
        assert eventually(lambda: posted == [first.key])
        put(services, second, third)
        outbox.notify()
        assert eventually(lambda: posted == [first.key, second.key])
        put(services, other)
        outbox.notify()
        assert eventually(lambda: len(posted) == 4)
    finally:
        outbox.stop()
    assert posted == [first.key, second.key, other.key, third.key]
