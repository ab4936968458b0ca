"""Issue 7/8: the container, checked without a Docker engine (none runs where CI does).

The Dockerfile's essentials are read from the file itself, so the test breaks when someone
changes them; its install and start steps are then replayed on this machine: the same files
copied into a clean tree, `pip install .` (not editable) into a fresh venv, the image's CMD
started from that venv with the image's environment, its HEALTHCHECK command run, SIGTERM.
A package-data file left out of the wheel, or a source directory the Dockerfile does not copy,
fails here as it would fail in the image.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import pytest
import yaml

from bot.emulator import FakeSlack, SlackRequester
from messages.pdf import FACES, FONTS
from tests.support.bot import BOT_TOKEN, SIGNING_SECRET
from tests.support.processes import free_port, wait_healthy

pytestmark = pytest.mark.container

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = ROOT / "docker-compose.yml"
PINNED = re.compile(r"^[\w./-]+(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$")


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]

    def last(self, keyword: str) -> str | None:
        found = self.all(keyword)
        return found[-1] if found else None


def stages(text: str) -> list[Stage]:
    """The Dockerfile's stages and their instructions (continuations joined, comments out)."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    result: list[Stage] = []
    for line in logical:
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            words = args.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            result.append(Stage(base=words[0], name=name))
        elif result:
            result[-1].instructions.append((keyword, args.strip()))
    return result


def exec_form(args: str) -> list[str]:
    """CMD/HEALTHCHECK CMD in exec (JSON) form: the image runs them without a shell."""
    parsed = json.loads(args)
    assert isinstance(parsed, list) and all(isinstance(a, str) for a in parsed), args
    return parsed


def env_of(stage: Stage) -> dict[str, str]:
    env: dict[str, str] = {}
    for args in stage.all("ENV"):
        for pair in shlex.split(args):
            key, _, value = pair.partition("=")
            env[key] = value
    return env


@pytest.fixture(scope="module")
def image() -> list[Stage]:
    return stages(DOCKERFILE.read_text(encoding="utf-8"))


def test_dockerfile_is_multi_stage_pinned_non_root_and_health_checked(image: list[Stage]) -> None:
    assert len(image) >= 2, "multi-stage: the build tools stay out of the image"
    for stage in image:
        if stage.base in {s.name for s in image}:
            continue  # a stage built on an earlier stage is pinned through it
        assert PINNED.match(stage.base), stage.base
        tag = stage.base.partition("@")[0].rpartition(":")[2] if ":" in stage.base else ""
        assert tag or "@sha256:" in stage.base, f"{stage.base}: no tag, so whatever is latest"
        assert tag != "latest", f"{stage.base}: latest is not a version"
    final = image[-1]
    user = final.last("USER")
    assert user is not None, "the image must not run as root"
    assert user.split(":")[0] not in ("root", "0")
    assert any(args.startswith("--from=") for args in final.all("COPY")), "copies the build"
    health = final.last("HEALTHCHECK")
    assert health is not None and " CMD " in f" {health} "
    assert "/healthz" in health
    assert final.last("CMD") is not None
    build = image[0]
    assert any(re.search(r"pip install \.(\s|$)", run) for run in build.all("RUN")), (
        "the build stage installs the copied tree (`pip install .`), not an editable checkout"
    )


def test_the_image_can_print_the_pdf_records(image: list[Stage]) -> None:
    """The runtime stage installs what WeasyPrint needs, the very packages the tests run with
    (scripts/ensure-pdf-tools, poppler-utils aside: it only reads PDFs in the tests), and the
    font files messages/pdf.py embeds come from one of them."""
    script = (ROOT / "scripts" / "ensure-pdf-tools").read_text(encoding="utf-8")
    listed = re.search(r"^packages=\(([^)]*)\)", script, re.MULTILINE)
    assert listed is not None
    needed = set(listed.group(1).split()) - {"poppler-utils"}
    installs = [run for run in image[-1].all("RUN") if "apt-get install" in run]
    assert installs, "the runtime stage installs Pango and the fonts"
    installed = {word for run in installs for word in shlex.split(run)}
    assert needed <= installed, needed - installed
    assert all("--no-install-recommends" in run for run in installs)
    assert all("rm -rf /var/lib/apt/lists" in run for run in installs), "no apt lists kept"
    assert str(FONTS) == "/usr/share/fonts/truetype/dejavu" and "fonts-dejavu-core" in needed
    assert {name for _, _, name in FACES} <= {
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "DejaVuSansMono.ttf",
    }, "fonts-dejavu-core ships these three; another face needs another package"


def test_compose_runs_the_bot_on_postgres_16_with_health_checks(image: list[Stage]) -> None:
    compose: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    services = compose["services"]
    db, bot = services["db"], services["bot"]

    repository, _, tag = db["image"].partition(":")
    assert repository == "postgres"
    assert re.match(r"^16\.\d+", tag), f"PostgreSQL 16 at a pinned minor release, not {tag!r}"
    assert "pg_isready" in db["healthcheck"]["test"]
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose["volumes"], "a named volume keeps the data"

    assert bot["build"] in (".", {"context": "."})
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    env = bot["environment"]
    assert env["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "@db:5432/" in env["DATABASE_URL"]
    probe = " ".join(bot["healthcheck"]["test"])
    assert f"127.0.0.1:{env['PORT']}/healthz" in probe
    assert bot["ports"][0].endswith(f":{env['PORT']}")
    # The image's own HEALTHCHECK and compose's ask the same thing.
    assert "/healthz" in (image[-1].last("HEALTHCHECK") or "")


def copy_build_context(build: Stage, into: Path) -> None:
    """What the build stage's COPY lines bring, and only that (as the image gets it)."""
    for args in build.all("COPY"):
        assert not args.startswith("--from="), args
        *sources, destination = shlex.split(args)
        for source in sources:
            origin = ROOT / source
            target = into / (source if destination.endswith("/") else destination)
            if destination in ("./", "."):
                target = into / Path(source).name
            if origin.is_dir():
                shutil.copytree(
                    origin, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
                )
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, target)


@pytest.mark.timeout(900)
def test_the_image_steps_install_start_answer_and_stop(
    image: list[Stage], tmp_path: Path, fake: FakeSlack
) -> None:
    build, final = image[0], image[-1]
    src, venv, data = tmp_path / "src", tmp_path / "venv", tmp_path / "data"
    copy_build_context(build, src)
    data.mkdir()

    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)  # noqa: S603
    pip_env = {k: v for k, v in os.environ.items() if k not in ("PIP_NO_CACHE_DIR",)}
    pip_env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    installed = subprocess.run(  # noqa: S603  (our own tree)
        [str(venv / "bin" / "pip"), "install", "--quiet", str(src)],
        env=pip_env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    where = subprocess.run(  # noqa: S603
        [str(venv / "bin" / "python"), "-c", "import bot; print(bot.__file__)"],
        cwd=data,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert str(venv) in where and str(ROOT) not in where, "installed, not the checkout"

    port = free_port()
    env = {
        "HOME": str(data),
        "LANG": "C.UTF-8",
        **env_of(final),
        # The image's PATH puts its venv first; here it is this venv.
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "DATABASE_URL": f"sqlite:///{data / 'forvaltningsbot.db'}",
        "PORT": str(port),
        "HOST": "127.0.0.1",  # loopback only: the image's 0.0.0.0 is for the container network
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
    }
    command = exec_form(final.last("CMD") or "")
    command[0] = str(venv / "bin" / command[0])
    process = subprocess.Popen(  # noqa: S603
        command, env=env, cwd=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, seconds=60)
        health = (final.last("HEALTHCHECK") or "").split(" CMD ", 1)[1]
        probe = exec_form(health)
        probe[0] = str(venv / "bin" / probe[0])
        checked = subprocess.run(  # noqa: S603
            probe, env=env, capture_output=True, text=True, timeout=30, check=False
        )
        assert checked.returncode == 0, checked.stderr

        # A command renders templates and catalogs from the installed package data.
        anna = fake.state.add_user("anna", locale="sv-SE")
        channel = fake.state.add_channel("kommunen-x", members=[anna])
        slack = SlackRequester(url, SIGNING_SECRET, fake)
        assert slack.command("nytt Kommunen X", user_id=anna, channel_id=channel).status == 200
        status = slack.command("status", user_id=anna, channel_id=channel).json
        assert status["blocks"][0]["text"]["text"] == "Projekt: Kommunen X"

        with urlopen(url + "/metrics", timeout=5) as reply:  # noqa: S310
            metrics = reply.read().decode("utf-8")
        assert "forvaltningsbot_database_up 1.0" in metrics
        assert 'forvaltningsbot_slack_requests_total{status="200",surface="command"} 2.0' in (
            metrics
        )
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            _, stderr = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            _, stderr = process.communicate(timeout=10)
            raise AssertionError("the bot did not stop within 10 s of SIGTERM") from None
    assert process.returncode == 0, stderr
    # Not a terminal: every line is a JSON record, and no secret is in any of them.
    records = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    assert records[-1]["message"] == "stopped"
    assert BOT_TOKEN not in stderr and SIGNING_SECRET not in stderr
