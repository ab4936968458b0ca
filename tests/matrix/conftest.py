"""One Synapse for the whole session; every test registers fresh people on it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

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
