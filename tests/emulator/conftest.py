from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.emulator import FakeSlack


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as running:
        yield running
    assert running.errors == [], "the emulator raised while serving"


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.api_url, timeout=5)
