"""The project's settings that decide where the bot speaks and who decides: refused, unchanged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from bot.domain.errors import DomainError, ErrorCode
from bot.services import projects
from bot.services.context import Actor, Services
from bot.services.directory import MAX_CHANNELS
from storage import projects as store
from tests.services.support import ANNA, CHANNEL, ERIK, TEAM

Setter = Callable[[Services, list[str]], object]


@dataclass
class Membership:
    """A platform's directory as a table: which channels each person is in; asked questions."""

    channels: dict[str, set[str]]
    asked: list[tuple[str, str, str]] = field(default_factory=list)

    def is_member(self, team_id: str, channel_id: str, user_id: str) -> bool:
        self.asked.append((team_id, channel_id, user_id))
        return channel_id in self.channels.get(user_id, set())


ANNAS = Membership({ANNA.user_id: {"CFORV", "CDRIFT"}})


def refused(call: Callable[[], object]) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def stored(services: Services) -> tuple[str | None, list[str]]:
    with services.db.reading() as session:
        project = store.project_in_channel(session=session, team_id=TEAM, channel_id=CHANNEL)
        assert project is not None and project.id is not None
        stakeholders = store.stakeholders_of(session=session, project_id=project.id)
        return project.vote_channel_id, stakeholders


def test_channels_the_lead_is_not_in_are_refused_by_name_and_nothing_changes(
    services: Services,
) -> None:
    projects.create_project(services, ANNA, CHANNEL, "Kommunen X")
    err = refused(
        lambda: projects.set_channels(
            services, ANNA, CHANNEL, ["CFORV", "CKS", "CDRIFT", "CPRIV"], ANNAS
        )
    )
    assert err.code is ErrorCode.NOT_IN_CHANNEL and err.params["channels"] == "CKS,CPRIV"
    err = refused(lambda: projects.set_vote_channel(services, ANNA, CHANNEL, "CKS", ANNAS))
    assert err.code is ErrorCode.NOT_IN_CHANNEL and err.params["channels"] == "CKS"
    assert stored(services) == (None, [])
    projects.set_channels(services, ANNA, CHANNEL, ["CFORV", "CDRIFT"], ANNAS)
    projects.set_vote_channel(services, ANNA, CHANNEL, "CFORV", ANNAS)
    assert stored(services) == ("CFORV", ["CFORV", "CDRIFT"])


def test_someone_not_leading_is_refused_before_the_platform_is_asked(
    services: Services,
) -> None:
    projects.create_project(services, ANNA, CHANNEL, "Kommunen X")
    asked = Membership({ERIK.user_id: {"CFORV"}})
    err = refused(lambda: projects.set_channels(services, ERIK, CHANNEL, ["CFORV"], asked))
    assert err.code is ErrorCode.NOT_ALLOWED and asked.asked == []


def test_at_most_ten_channels_and_fifty_members(services: Services) -> None:
    projects.create_project(services, ANNA, CHANNEL, "Kommunen X")
    many = [f"C{n}" for n in range(MAX_CHANNELS + 1)]
    everywhere = Membership({ANNA.user_id: set(many)})
    err = refused(lambda: projects.set_channels(services, ANNA, CHANNEL, many, everywhere))
    assert err.code is ErrorCode.TOO_MANY_CHANNELS and err.params == {"limit": "10", "count": "11"}
    projects.set_channels(services, ANNA, CHANNEL, many[:MAX_CHANNELS], everywhere)
    people = [f"U{n}" for n in range(51)]
    err = refused(lambda: projects.set_steering(services, ANNA, CHANNEL, people))
    assert err.code is ErrorCode.STEERING_TOO_LARGE and err.params == {"limit": "50", "count": "51"}
    assert projects.set_steering(services, ANNA, CHANNEL, people[:50]).changed


@pytest.mark.parametrize("look_alike", ["Kommunen X", "kommunen x", "Kömmunen  X", "KOMMUNEN X"])
def test_a_name_is_taken_in_its_workspace_whatever_the_case_or_diacritics(
    services: Services, look_alike: str
) -> None:
    projects.create_project(services, ANNA, CHANNEL, "Kommunen X")
    err = refused(lambda: projects.create_project(services, ERIK, "COTHER", look_alike))
    assert err.code is ErrorCode.NAME_TAKEN
    assert err.params == {"name": "Kommunen X", "channel": CHANNEL}
    projects.create_project(services, Actor("T0002", ERIK.user_id), "COTHER", look_alike)
