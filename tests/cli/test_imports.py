"""Loading the command line loads no playground and no fake Slack: they come with `playground`."""

from __future__ import annotations

import json
import subprocess
import sys

LOADED = """\
import json, sys
import bot.__main__
print(json.dumps(sorted(sys.modules)))
"""


def test_importing_the_command_line_loads_no_emulator_or_playground() -> None:
    result = subprocess.run(  # noqa: S603  (our own interpreter)
        [sys.executable, "-c", LOADED], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = json.loads(result.stdout)
    assert "bot.wiring" in loaded  # the check would pass vacuously if the import had failed
    assert [
        name
        for name in loaded
        if name.split(".")[:2] in (["bot", "emulator"], ["bot", "playground"])
    ] == []
