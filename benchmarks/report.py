"""BENCHMARKS.md: the machine, the versions, how to reproduce, and a section per figure."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from benchmarks.figure import Figure, Pending, Result, Table
from benchmarks.harness import PG_ADMIN_URL, ROOT

PACKAGES = (
    "slack-bolt",
    "slack-sdk",
    "waitress",
    "SQLAlchemy",
    "sqlmodel",
    "psycopg",
    "Jinja2",
    "alembic",
)


@dataclass(frozen=True)
class Outcome:
    figure: Figure
    result: Result
    seconds: float


def machine() -> list[tuple[str, str]]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = "unknown"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
            break
    return [
        ("CPU", cpu),
        ("cores (usable)", f"{os.cpu_count()} ({len(os.sched_getaffinity(0))})"),
        ("memory", memory),
        ("OS", f"{platform.system()} {platform.release()} ({platform.machine()})"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("SQLite", sqlite3.sqlite_version),
        ("PostgreSQL", _postgres_version()),
        ("bot commit", _git("rev-parse", "--short", "HEAD") + _dirty()),
    ]


def versions() -> list[tuple[str, str]]:
    found = []
    for name in PACKAGES:
        try:
            found.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            found.append((name, "not installed"))
    return found


def _postgres_version() -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_ADMIN_URL)
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar_one()).split()[0]
    except Exception:  # unreachable: the figures say so where it matters
        return "not reachable"
    finally:
        engine.dispose()


def _git(*args: str) -> str:
    try:
        done = subprocess.run(  # noqa: S603
            ["git", *args],  # noqa: S607  (git from PATH, as a developer runs it)
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip()


def _dirty() -> str:
    status = _git("status", "--porcelain", "--untracked-files=no")
    return " (with uncommitted changes)" if status and status != "unknown" else ""


def _table(table: Table) -> list[str]:
    lines = [f"**{table.title}**", ""]
    lines.append("| " + " | ".join(table.headers) + " |")
    lines.append("|" + "|".join("---" for _ in table.headers) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in table.rows]
    return [*lines, ""]


def _pairs(title: str, pairs: Sequence[tuple[str, str]]) -> list[str]:
    return _table(Table(title, ["", ""], [list(p) for p in pairs]))


def render(
    outcomes: Sequence[Outcome],
    pending: Sequence[Pending],
    *,
    total_seconds: float,
    commands: Sequence[tuple[str, str]],
) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {now}; the whole run took {total_seconds:.0f} s. "
        "Do not edit by hand: run it again.",
        "",
        "## Machine",
        "",
        *_pairs("Where it ran", machine()),
        *_pairs("Package versions", versions()),
        "## Reproduce",
        "",
        "```sh",
        *(f"{command:<52}# {why}" for command, why in commands),
        "```",
        "",
        "Every server listens on 127.0.0.1 and talks to the fake Slack (`bot.emulator`) on "
        "127.0.0.1; every loop is bounded by a count and by the figure's time budget.",
        "",
        "| figure | budget | took |",
        "|---|---|---|",
        *(
            f"| {o.figure.title} | {o.figure.budget_seconds:.0f} s | {o.seconds:.0f} s |"
            for o in outcomes
        ),
        "",
    ]
    for number, outcome in enumerate(outcomes, 1):
        lines += [f"## {number}. {outcome.figure.title}", ""]
        lines += [*outcome.result.setup, ""] if outcome.result.setup else []
        for table in outcome.result.tables:
            lines += _table(table)
        meaning, *more = outcome.result.meaning or ["(nothing measured)"]
        lines += [f"**What it means.** {meaning}", ""]
        lines += [line for paragraph in more for line in (paragraph, "")]
    if pending:
        lines += ["## Not yet measured", ""]
        lines += [f"- {p.title} (issue {p.issue}): {p.why}." for p in pending]
    return "\n".join(lines).rstrip() + "\n"
