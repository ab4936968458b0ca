"""One Synapse for the whole session; every test registers fresh people on it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.wiring import Bot
from tests.matrix.people import Cast
from tests.matrix.synapse import Synapse, synapse_python

# Every client of the tests logs in from 127.0.0.1, where production's people each come from
# their own address: Synapse's per-address login limit (5, then one per ~6 min) would be spent
# by the fifth login of the session. Everything else keeps production's limits.
TEST_OVERRIDES = {
    "rc_login": {
        "address": {"per_second": 10, "burst_count": 100},
        "account": {"per_second": 10, "burst_count": 100},
    },
}


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synapse]:
    python = synapse_python()
    if not python.exists():
        reason = f"no Synapse at {python} (scripts/ensure-synapse installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    with Synapse(tmp_path_factory.mktemp("synapse"), overrides=TEST_OVERRIDES) as server:
        yield server


@pytest.fixture
def cast(synapse: Synapse) -> Cast:
    return Cast(synapse)


@pytest.fixture
def bot(synapse: Synapse, cast: Cast, database_url: str) -> Iterator[Bot]:
    """The real bot as `serve` builds it with only MATRIX_* set, logging in with its password,
    on SQLite and on PostgreSQL (Matrix's ids are longer than Slack's)."""
    settings = Settings(
        matrix_homeserver=synapse.base_url,
        matrix_user=cast.bot.user_id,
        matrix_password=SecretStr(cast.bot.password),
        database_url=database_url,
        host="127.0.0.1",
        port=0,
        threads=2,
        tick_seconds=3600,  # nothing is due on its own in these tests
    )
    running = Bot.build(settings)
    running.server.start_in_background()
    running.start_background_work()
    yield running
    running.stop()
