"""The sender and the Slack deliveries against a fake Slack as hard as Slack: latency, each
workspace's post budget and its Retry-After windows, the history budget, and posts that fail
once with a 5xx after Slack posted them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from slack_sdk import WebClient

from bot.emulator import FakeSlack
from bot.emulator.calls import ApiCall
from bot.emulator.limits import calls_inside_retry_after
from bot.outbox import OutboxSender
from bot.outbox.budget import Budgets
from bot.phases import load_phase
from bot.services import outbox_events as out
from bot.services import votes
from bot.services.context import Actor, Services
from bot.slack.deliveries import slack_deliveries
from bot.slack.locale import Locales
from storage.db import Database, upgrade
from tests.outbox.support import OTHER, open_vote, put
from tests.support.waiting import eventually

# The fake's history "minute", and the sender's: short, so waiting one out takes seconds.
MINUTE = 2.0


@dataclass
class Slack:
    fake: FakeSlack
    services: Services
    tokens: dict[str, str]
    sender: OutboxSender

    @property
    def team_a(self) -> str:
        return self.fake.state.team.id

    def dm(self, team_id: str, owner: str, n: int) -> out.Outgoing:
        phase = self.services.phase()
        payload = out.OwnerAssigned(
            "Kommunen X", "CPROJ", phase.key, phase.activities[0].key, None, "UANNA"
        )
        return out.owner_assigned(team_id, owner, n, n, payload)

    def posts(self, status: int | None = None) -> list[ApiCall]:
        calls = self.fake.state.calls("chat.postMessage")
        return [c for c in calls if status is None or c.status == status]

    def dms(self, user: str) -> int:
        return len(self.fake.state.dms_to(user))


@pytest.fixture
def slack(database_url: str) -> Iterator[Slack]:
    with FakeSlack() as fake:
        db = Database.from_url(database_url)
        upgrade(db.engine)
        phase = load_phase()
        services = Services(db=db, phases={phase.key: phase}, default_phase=phase.key)
        team_b = fake.state.add_team("Kommunen B").id
        tokens = {
            fake.state.team.id: fake.state.bot.token,
            team_b: str(fake.state.issue_token(team_b)["access_token"]),
        }
        clients = {
            t: WebClient(token=k, base_url=fake.api_url, timeout=5) for t, k in tokens.items()
        }
        deliveries = slack_deliveries(services, clients.__getitem__, Locales())
        sender = OutboxSender(services, deliveries, budgets=Budgets(time.monotonic, minute=MINUTE))
        fake.faults.limits.set_latency(0.02)
        fake.faults.limits.limit_posts_per_workspace(8)
        yield Slack(fake, services, tokens, sender)
        sender.stop()
        db.dispose()


def test_a_rate_limited_workspace_does_not_hold_back_another(slack: Slack) -> None:
    team_a, team_b = slack.team_a, next(t for t in slack.tokens if t != slack.team_a)
    users_a = [slack.fake.state.add_user(f"a{n}") for n in range(6)]
    users_b = [slack.fake.state.add_user(f"b{n}") for n in range(6)]
    slack.fake.faults.limits.refuse(team_a, retry_after=3)
    put(slack.services, *(slack.dm(team_a, u, n) for n, u in enumerate(users_a)))
    put(slack.services, *(slack.dm(team_b, u, 100 + n) for n, u in enumerate(users_b)))
    slack.sender.start()
    assert eventually(lambda: all(slack.dms(u) for u in users_b))
    # A's posts already on their way when the first 429 came were refused too.
    refused = min(slack.posts(429), key=lambda c: c.answered)
    assert {c.team_id for c in slack.posts(429)} == {team_a}
    b_posts = [c for c in slack.posts(200) if c.team_id == team_b]
    # Every DM of B went out while A waited out its Retry-After.
    assert max(c.answered for c in b_posts) < refused.answered + 3
    assert eventually(lambda: all(slack.dms(u) for u in users_a))
    assert [slack.dms(u) for u in users_a + users_b] == [1] * 12
    assert calls_inside_retry_after(slack.fake.state.calls()) == []


def test_a_burst_in_one_workspace_stays_within_its_budget(slack: Slack) -> None:
    users = [slack.fake.state.add_user(f"u{n}") for n in range(30)]
    put(slack.services, *(slack.dm(slack.team_a, u, n) for n, u in enumerate(users)))
    slack.sender.start()
    assert eventually(lambda: all(slack.dms(u) for u in users), seconds=20)
    assert [slack.dms(u) for u in users] == [1] * 30
    assert slack.posts(429) == []  # the sender kept to 8 a second by itself
    assert calls_inside_retry_after(slack.fake.state.calls()) == []


def test_history_is_read_only_in_doubt_back_to_the_first_attempt(slack: Slack) -> None:
    users = [slack.fake.state.add_user(f"u{n}") for n in range(8)]
    slack.fake.faults.limits.fail_first_posts(0.5, seed=4)
    put(slack.services, *(slack.dm(slack.team_a, u, n) for n, u in enumerate(users)))
    slack.sender.start()

    def failed() -> list[ApiCall]:
        return slack.posts(500)

    def history() -> list[ApiCall]:
        return slack.fake.state.calls("conversations.history")

    assert eventually(lambda: failed() and len(history()) == len(failed()), seconds=20)
    assert [slack.dms(u) for u in users] == [1] * 8  # a 5xx after posting: found, not again
    in_doubt = {str(c.params["channel"]) for c in failed()}
    looked = {slack.fake.state.im_channel(str(c.params["channel"])) for c in failed()}
    assert {str(c.params["channel"]) for c in history()} == looked
    assert len(in_doubt) < len(users)  # the others never looked
    for call in history():
        assert int(call.params["limit"]) <= 15
        assert float(call.params["oldest"]) > 0


def test_a_history_429_delays_only_that_event(slack: Slack) -> None:
    limits = slack.fake.faults.limits
    limits.limit_history(1, minute=MINUTE)
    doubtful = [slack.fake.state.add_user(f"d{n}") for n in range(2)]
    limits.fail_first_posts(1.0)
    put(slack.services, *(slack.dm(slack.team_a, u, n) for n, u in enumerate(doubtful)))
    slack.sender.start()
    assert eventually(lambda: len(slack.posts(500)) == 2)
    limits.fail_first_posts(0)
    others = [slack.fake.state.add_user(f"o{n}") for n in range(4)]
    put(slack.services, *(slack.dm(slack.team_a, u, 10 + n) for n, u in enumerate(others)))
    slack.sender.notify()
    assert eventually(lambda: all(slack.dms(u) for u in others))

    def looked() -> int:
        return len([c for c in slack.fake.state.calls("conversations.history") if c.ok])

    assert eventually(lambda: looked() == 2, seconds=20)
    # One of the two was turned away by the history budget and waited; the others did not.
    assert len(slack.fake.state.calls("conversations.history")) == 3
    assert [slack.dms(u) for u in doubtful + others] == [1] * 6
    assert calls_inside_retry_after(slack.fake.state.calls()) == []


def test_one_announcement_per_channel_with_a_third_of_posts_failing_once(slack: Slack) -> None:
    vote_id = open_vote(slack.services)
    votes.close_vote(slack.services, Actor(slack.team_a, OTHER), vote_id=vote_id)  # the chair
    channels = [slack.fake.state.add_channel(f"intressent-{n}") for n in range(10)]
    slack.fake.faults.limits.limit_history(1, minute=MINUTE)
    slack.fake.faults.limits.fail_first_posts(0.3, seed=7)
    put(slack.services, *(out.announcement(slack.team_a, vote_id, c) for c in channels))
    slack.sender.start()

    def announced(channel: str) -> int:
        return len(slack.fake.state.messages(channel))

    assert eventually(lambda: all(announced(c) for c in channels), seconds=30)
    failed = {str(c.params["channel"]) for c in slack.posts(500)}
    assert failed  # some really failed once

    def looked() -> set[str]:
        calls = slack.fake.state.calls("conversations.history")
        return {str(c.params["channel"]) for c in calls if c.ok}

    assert eventually(lambda: looked() == failed, seconds=30)
    assert [announced(c) for c in channels] == [1] * 10
    assert calls_inside_retry_after(slack.fake.state.calls()) == []
