"""The bot as a process of its own: a free loopback port, and waiting until it answers."""

from __future__ import annotations

import socket
import subprocess
import time
from typing import Any
from urllib.request import urlopen


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen[Any], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1]
        try:
            with urlopen(url + "/healthz", timeout=1) as reply:  # noqa: S310
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the bot did not become healthy")
