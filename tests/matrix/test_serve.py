"""`forvaltningsbot serve` with only MATRIX_* set: a process of its own that logs in with its
access token, answers in Matrix, and serves /healthz and /metrics on PORT."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import AsyncExitStack
from pathlib import Path
from urllib.request import urlopen

from tests.matrix.people import Cast, room, scenario
from tests.matrix.synapse import Synapse
from tests.support.processes import free_port, wait_healthy

STOP_TIMEOUT = 20


def test_serve_runs_matrix_alone_with_health_and_metrics(
    synapse: Synapse, cast: Cast, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "MATRIX_HOMESERVER": synapse.base_url,
        "MATRIX_USER": cast.bot.user_id,
        "MATRIX_ACCESS_TOKEN": cast.bot.access_token,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "PORT": str(port),
        "HOST": "127.0.0.1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, process)
        with urlopen(url + "/metrics", timeout=5) as reply:  # noqa: S310
            assert reply.status == 200
            assert b"forvaltningsbot" in reply.read()

        async def conversation() -> None:
            async with AsyncExitStack() as stack:
                anna = (await cast.enter(stack))[0]
                project = await room(anna, "Kommunen Y", [cast.bot.user_id])
                await anna.say(project, "!forvaltning nytt Kommunen Y")
                created = await anna.hears(
                    lambda s: "Kommunen Y" in s.body and s.room == project,
                    sender=cast.bot.user_id,
                )
                assert created.content["msgtype"] == "m.notice"

        scenario(conversation())
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=STOP_TIMEOUT)
    assert process.returncode == 0, stderr
    assert cast.bot.access_token not in stderr  # the logs never show a secret
