"""Justering as a use case: who may justera, the seal once both have, and one reminder after
two business days (Swedish calendar) to whoever has not."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.domain.errors import DomainError, ErrorCode
from bot.domain.justering import checksum
from bot.domain.voting import Choice
from bot.services import decisions, justering, votes
from bot.services.context import Services
from bot.services.outbox_events import OutboxKind
from bot.services.tick import tick
from storage import outbox as queue
from storage.models import Project
from tests.services.support import ANNA, CHANNEL, ERIK, MARIA, SARA, ready_project
from tests.support.clock import Clock, sthlm


@pytest.fixture
def closed(services: Services, clock: Clock) -> int:
    """Closed on Monday 23 November 10:00 (Erik and Sara for, Maria against); Maria justerar."""
    ready_project(services)
    justering.set_adjuster(services, ANNA, CHANNEL, MARIA.user_id)
    opened = votes.open_milestone(services, ANNA, CHANNEL)
    assert isinstance(opened, votes.VoteOpened)
    clock.advance(hours=2)
    for actor, choice in ((ERIK, Choice.yes), (SARA, Choice.yes), (MARIA, Choice.no)):
        votes.cast(services, actor, opened.vote.vote_id, choice)
    return opened.vote.vote_id


def reminded(services: Services) -> list[str]:
    with services.db.session() as session:
        found = queue.events(session=session, kinds=[OutboxKind.JUSTERING])
        return sorted(e.target for e in found if e.key.endswith(":reminder"))


def test_the_justerare_is_a_ledamot_and_not_the_chair(services: Services) -> None:
    ready_project(services)
    with pytest.raises(DomainError) as chair:
        justering.set_adjuster(services, ANNA, CHANNEL, SARA.user_id)
    assert chair.value.code is ErrorCode.ADJUSTER_IS_CHAIR
    with pytest.raises(DomainError) as stranger:
        justering.set_adjuster(services, ANNA, CHANNEL, "USTRANGER")
    assert stranger.value.code is ErrorCode.ADJUSTER_NOT_MEMBER
    with pytest.raises(DomainError) as not_lead:
        justering.set_adjuster(services, ERIK, CHANNEL, MARIA.user_id)
    assert not_lead.value.code is ErrorCode.NOT_ALLOWED


def test_only_the_chair_and_the_justerare_justera_and_each_once(
    services: Services, closed: int
) -> None:
    with pytest.raises(DomainError) as erik:
        justering.justera(services, ERIK, closed)
    assert erik.value.code is ErrorCode.NOT_A_JUSTERARE
    first = justering.justera(services, MARIA, closed)
    assert not first.justerat and first.justering and first.justering.waiting == (SARA.user_id,)
    with pytest.raises(DomainError) as twice:
        justering.justera(services, MARIA, closed)
    assert twice.value.code is ErrorCode.ALREADY_JUSTERAT
    # Until the record is justerat it still takes a reservation; after, not.
    decisions.add_reservation(services, MARIA, closed, "")
    sealed = justering.justera(services, SARA, closed)
    assert sealed.justerat and sealed.justering and len(sealed.justering.checksum or "") == 64
    with pytest.raises(DomainError) as late:
        decisions.add_note(services, ERIK, CHANNEL, "För sent")
    assert late.value.code is ErrorCode.RECORD_JUSTERAT


def test_who_has_not_justerat_is_reminded_once_after_two_business_days(
    services: Services, clock: Clock, closed: int
) -> None:
    justering.justera(services, SARA, closed)
    clock.set(sthlm(2026, 11, 25, 8, 59))  # Wednesday, before 09:00
    tick(services, clock())
    assert reminded(services) == []
    clock.set(sthlm(2026, 11, 25, 9))
    report = tick(services, clock())
    assert reminded(services) == [MARIA.user_id]
    # Counted as what they are, not among the reminders to vote.
    assert (report.justering_reminders, report.vote_reminders) == (1, 0)
    clock.advance(days=1)
    tick(services, clock())
    assert reminded(services) == [MARIA.user_id]


def test_the_reminder_skips_a_holiday(services: Services, clock: Clock) -> None:
    ready_project(services)
    justering.set_adjuster(services, ANNA, CHANNEL, MARIA.user_id)
    clock.set(sthlm(2026, 12, 23, 10))  # the day before julafton
    opened = votes.open_milestone(services, ANNA, CHANNEL)
    assert isinstance(opened, votes.VoteOpened)
    for actor, choice in ((ERIK, Choice.yes), (SARA, Choice.yes), (MARIA, Choice.yes)):
        votes.cast(services, actor, opened.vote.vote_id, choice)
    clock.set(sthlm(2026, 12, 28, 12))  # 24–26 are no business days, 27 a Sunday
    tick(services, clock())
    assert reminded(services) == []
    clock.set(sthlm(2026, 12, 29, 9))
    tick(services, clock())
    assert reminded(services) == [MARIA.user_id, SARA.user_id]


def test_a_justerat_version_keeps_the_diarienummer_it_was_justerat_with(
    services: Services, closed: int
) -> None:
    """Changing the diarienummer after justering rewrites nothing: the sealed version still
    shows and verifies as it was, and the new number reaches the record as a rättelse that the
    chair and the justerare justera again (a registrar files the record under its number)."""
    justering.set_case_number(services, ANNA, CHANNEL, "KS 2026/1")  # ojusterat: no rättelse
    assert decisions.minutes(services, ANNA, CHANNEL).corrections == ()
    justering.justera(services, MARIA, closed)
    sealed = justering.justera(services, SARA, closed)
    assert sealed.justering is not None and sealed.justering.checksum
    stored = sealed.justering.checksum

    change = justering.set_case_number(services, ANNA, CHANNEL, "KS 2026/2")
    assert change.changed and change.reopened == 1
    now = decisions.minutes(services, ANNA, CHANNEL)
    assert now.case_number == "KS 2026/2" and not now.justerat
    assert now.justering is not None and now.justering.version == 2
    assert now.justering.waiting == (SARA.user_id, MARIA.user_id)
    assert "KS 2026/1" in now.corrections[-1]["text"] and "KS 2026/2" in now.corrections[-1]["text"]
    assert now.corrections[-1]["user"] == ANNA.user_id and now.corrections[-1]["version"] == 2

    first, second = decisions.export(services, "Kommunen X", all_versions=True).decisions
    assert first.case_number == "KS 2026/1" and first.justerat and first.corrections == ()
    assert checksum(first.document()) == stored == first.document()["checksum"]
    assert second.document()["status"] == "ojusterat" and second.case_number == "KS 2026/2"
    # The export as it stands shows the version being justerat, with the new number.
    (standing,) = decisions.export(services, "Kommunen X").decisions
    assert standing.case_number == "KS 2026/2" and standing.document()["checksum"] is None

    justering.justera(services, MARIA, closed)
    resealed = justering.justera(services, SARA, closed)
    assert resealed.justerat and resealed.case_number == "KS 2026/2"
    first, second = decisions.export(services, "Kommunen X", all_versions=True).decisions
    assert checksum(first.document()) == stored and first.case_number == "KS 2026/1"
    assert second.justering and checksum(second.document()) == second.justering.checksum
    # The same number again changes nothing and begins no version.
    again = justering.set_case_number(services, ANNA, CHANNEL, "KS 2026/2")
    assert not again.changed and again.reopened is None
    assert decisions.minutes(services, ANNA, CHANNEL).justerat


def test_a_justerat_record_shows_what_was_sealed_not_the_project_as_it_is_now(
    services: Services, closed: int
) -> None:
    justering.set_case_number(services, ANNA, CHANNEL, "KS 2026/1")
    justering.justera(services, MARIA, closed)
    sealed = justering.justera(services, SARA, closed)
    with services.db.session() as session:  # the project's field moves on by other means
        project = session.exec(select(Project)).one()
        project.case_number = "KS 2099/9"
    shown = decisions.minutes(services, ANNA, CHANNEL)
    assert shown.case_number == "KS 2026/1" and shown.document() == sealed.document()
    assert shown.justering and checksum(shown.document()) == shown.justering.checksum
