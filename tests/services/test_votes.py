"""The vote at fixed times: default deadline, the non-voter reminder, closing exactly once."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.domain.decision import CONFLICT
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.voting import Choice
from bot.services import delivery, justering, projects, receipts, votes
from bot.services.context import Services
from bot.services.outbox_events import OutboxKind
from bot.services.tick import tick
from storage import outbox as queue
from storage.models import Ballot, Vote
from tests.services.support import (
    ANNA,
    CHANNEL,
    ERIK,
    MARIA,
    SARA,
    build_services,
    ready_project,
)
from tests.support.clock import Clock, sthlm


@pytest.fixture
def ready(services: Services) -> Services:
    ready_project(services)
    return services


def opened(services: Services) -> int:
    result = votes.open_milestone(services, ANNA, CHANNEL)
    assert isinstance(result, votes.VoteOpened)
    return result.vote.vote_id


def test_not_ready_lists_what_is_missing_and_opens_nothing(services: Services) -> None:
    projects.create_project(services, ANNA, CHANNEL, "Kommunen X")
    result = votes.open_milestone(services, ANNA, CHANNEL)
    assert isinstance(result, votes.NotReady)
    readiness = result.project.readiness
    assert readiness.no_steering_group and readiness.no_chair and readiness.no_adjuster
    assert len(readiness.documents) == 5
    with services.db.session() as session:
        assert session.exec(select(Vote)).all() == []


def test_default_deadline_is_five_business_days_at_five(ready: Services, clock: Clock) -> None:
    clock.set(sthlm(2026, 12, 18, 10))  # a Friday before jul
    vote_id = opened(ready)
    view = votes.vote_view(ready, vote_id)
    assert view is not None
    # 21, 22, 23 December, then 28 and 29 (julafton to annandag jul are not business days).
    assert view.deadline == sthlm(2026, 12, 29, 17)


def test_non_voters_are_reminded_once_a_day_before_the_deadline(
    ready: Services, clock: Clock
) -> None:
    vote_id = opened(ready)  # Monday 23 Nov 08:00; deadline Monday 30 Nov 17:00
    votes.cast(ready, ERIK, vote_id, Choice.yes)
    clock.set(sthlm(2026, 11, 27, 15, 59))
    assert tick(ready, clock()).vote_reminders == 0
    clock.set(sthlm(2026, 11, 27, 16))  # 24 h before is Sunday: moved to Friday 16:00
    assert tick(ready, clock()).vote_reminders == 2
    assert tick(ready, clock()).vote_reminders == 0
    with ready.db.session() as session:
        targets = [
            e.target for e in queue.events(session=session, kinds=[OutboxKind.VOTE_REMINDER])
        ]
    assert sorted(targets) == sorted([SARA.user_id, MARIA.user_id])


def test_the_tick_closes_at_the_deadline_without_quorum(ready: Services, clock: Clock) -> None:
    vote_id = opened(ready)
    votes.cast(ready, ERIK, vote_id, Choice.yes)
    clock.set(sthlm(2026, 11, 30, 17))
    assert tick(ready, clock()).votes_closed == 1
    view = votes.vote_view(ready, vote_id)
    assert view is not None and not view.is_open
    with ready.db.session() as session:
        vote = session.exec(select(Vote)).one()
    assert vote.record is not None
    assert json.loads(vote.record)["outcome"] == "no_quorum"
    with pytest.raises(DomainError) as late:
        votes.cast(ready, SARA, vote_id, Choice.yes)
    assert late.value.code is ErrorCode.VOTE_CLOSED


def test_the_chair_and_the_deadline_racing_close_it_once(
    database_url: str, ready: Services, clock: Clock
) -> None:
    vote_id = opened(ready)
    votes.cast(ready, ERIK, vote_id, Choice.yes)
    votes.cast(ready, SARA, vote_id, Choice.no)
    clock.set(sthlm(2026, 11, 30, 17))
    other = build_services(database_url, clock)
    start = threading.Barrier(2)
    results: list[object] = []

    def chair() -> None:
        start.wait(timeout=30)
        try:
            results.append(votes.close_vote(ready, SARA, vote_id=vote_id).close_reason)
        except DomainError as err:
            results.append(err.code)

    def ticker() -> None:
        start.wait(timeout=30)
        results.append(tick(other, clock()).votes_closed)

    threads = [threading.Thread(target=chair), threading.Thread(target=ticker)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    other.db.dispose()
    # Either the chair closed it and the tick found nothing, or the tick did and the chair heard
    # that it is closed; never both.
    assert sorted(map(str, results)) in (["0", "chair"], ["1", "vote_closed"])
    with ready.db.session() as session:
        closes = [e for e in session.exec(select(Vote)) if e.status == "closed"]
    assert len(closes) == 1


def test_a_project_whose_justerare_became_the_chair_is_not_ready(services: Services) -> None:
    """Readiness requires a justerare who is a ledamot and not the chair (PRODUCT's second
    round): making the justerare chair leaves the record with one who justerar, so no vote."""
    ready_project(services)
    projects.set_chair(services, ANNA, CHANNEL, ERIK.user_id)  # Erik was the justerare
    result = votes.open_milestone(services, ANNA, CHANNEL)
    assert isinstance(result, votes.NotReady)
    assert result.project.readiness.no_adjuster and not result.project.readiness.no_chair
    justering.set_adjuster(services, ANNA, CHANNEL, SARA.user_id)
    assert isinstance(votes.open_milestone(services, ANNA, CHANNEL), votes.VoteOpened)


def _receipts(services: Services) -> list[tuple[str, str]]:
    with services.db.session() as session:
        found = queue.events(session=session, kinds=[OutboxKind.VOTE_RECEIPT])
        return [(e.key, e.status) for e in found]


def test_clicks_before_the_receipt_is_sent_fold_into_one_that_confirms_the_last(
    ready: Services,
) -> None:
    vote_id = opened(ready)
    votes.cast(ready, ERIK, vote_id, Choice.yes)
    votes.cast(ready, ERIK, vote_id, Choice.no)
    votes.cast(ready, SARA, vote_id, Choice.yes)
    assert len(_receipts(ready)) == 2  # one for Erik's two clicks, one for Sara's
    (taken,) = (
        e
        for e in delivery.claim(ready, limit=10, lease=timedelta(minutes=1))
        if e.kind == OutboxKind.VOTE_RECEIPT and e.target == ERIK.user_id
    )
    delivery.take_coalesced(ready, taken)
    # Taken, it is what the sender confirms: Erik's ballot as stored, Avslå, not his first click.
    found = receipts.receipt(ready, vote_id, ERIK.user_id, taken.payload["choice"])
    assert found is not None and found.choice == Choice.no
    assert found.subject.project_name == "Kommunen X"
    # A click after the sender took it is confirmed by a receipt of its own.
    votes.cast(ready, ERIK, vote_id, Choice.yes)
    assert len(_receipts(ready)) == 3


def test_a_receipt_whose_ballot_gave_way_to_a_jav_confirms_nothing(ready: Services) -> None:
    vote_id = opened(ready)
    votes.cast(ready, ERIK, vote_id, Choice.yes)
    with ready.db.session() as session:
        (ballot,) = session.exec(select(Ballot).where(Ballot.user_id == ERIK.user_id)).all()
        ballot.choice = CONFLICT  # a first-round ballot of a member who declared jäv
        session.add(ballot)
        session.commit()
    found = receipts.receipt(ready, vote_id, ERIK.user_id, Choice.yes.value)
    assert found is not None and found.choice is None
    # The jäv's own receipt confirms the jäv it was queued for.
    jav_receipt = receipts.receipt(ready, vote_id, ERIK.user_id, CONFLICT)
    assert jav_receipt is not None and jav_receipt.choice == CONFLICT
