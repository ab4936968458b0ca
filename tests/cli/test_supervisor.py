"""serve's hold on its sender process: one that exits is started again, later each time it keeps
failing, and saying why; stopping stops it and starts no other."""

from __future__ import annotations

import logging
import sys

import pytest

from bot.supervisor import SenderProcess
from tests.support.waiting import eventually


def test_a_child_that_keeps_exiting_is_started_again_and_each_exit_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.supervisor")
    # `--parent-fd N` is appended to the command, as serve gives it to `send`.
    failing = SenderProcess(
        [sys.executable, "-c", "raise SystemExit(3)"], first_restart=0.05, max_restart=0.2
    )
    failing.start()
    try:
        assert eventually(lambda: failing.restarts >= 3), "not started again"
    finally:
        failing.stop()
    exits = [r.getMessage() for r in caplog.records if "exited with code 3" in r.getMessage()]
    assert len(exits) >= 3
    waits = [float(m.rsplit("again in ", 1)[1].split()[0]) for m in exits[:3]]
    assert waits == sorted(waits)  # backing off, never faster


def test_stop_ends_the_child_and_starts_no_other() -> None:
    sleeper = SenderProcess(
        [sys.executable, "-c", "import time; time.sleep(120)"], first_restart=0.01
    )
    sleeper.start()
    process = sleeper.process
    assert process is not None and process.poll() is None
    sleeper.stop()
    assert process.wait(timeout=1) == -15  # SIGTERM, as serve sends it
    assert sleeper.restarts == 0
    assert sleeper.process is process
