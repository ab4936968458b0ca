"""The command line run as an operator runs it, in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys

CLI = [sys.executable, "-m", "bot"]


def run(
    args: list[str], env: dict[str, str], timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  (our own program)
        CLI + args, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(extra)
    return env
