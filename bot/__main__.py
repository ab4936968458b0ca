"""The command line: parses arguments and hands over to the composition root (bot.wiring)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot import logs, runner
from bot.config import Settings
from bot.domain.errors import DomainError, ErrorCode
from bot.slack.manifest import ManifestError, manifest
from bot.supervisor import SenderProcess
from bot.wiring import Bot, Role, SenderBot, export_record
from messages.pdf import PdfUnavailable
from storage.db import NoDatabase

CREDENTIALS_HELP = """\
Förvaltningsbot needs Slack credentials to serve: {missing} (not set).
  1. Create the Slack app from the manifest:  forvaltningsbot manifest > manifest.json
     then at https://api.slack.com/apps choose "Create New App" > "From a manifest".
  2. Install it to your workspace and copy the tokens:
     SLACK_BOT_TOKEN (OAuth & Permissions, xoxb-…), SLACK_SIGNING_SECRET (Basic Information),
     and for Socket Mode SLACK_APP_TOKEN (Basic Information > App-Level Tokens, xapp-…,
     scope connections:write).
"""


PLAYGROUND_NOTE = """\
No Slack credentials are set (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN), so
Förvaltningsbot starts its local playground: the bot with a fake Slack in your browser.
To connect real Slack: forvaltningsbot manifest > manifest.json, create the app from it at
https://api.slack.com/apps, install it, and set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET
(or SLACK_APP_TOKEN for Socket Mode), or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for several
workspaces.
"""


MATRIX_HELP = """\
Förvaltningsbot needs more to connect to Matrix: {missing} (not set).
  MATRIX_HOMESERVER is the homeserver's base URL (https://matrix.kommun.se), MATRIX_USER the
  bot's user id (@forvaltningsbot:kommun.se), and MATRIX_ACCESS_TOKEN or MATRIX_PASSWORD its
  credentials. See README.md, "Matrix".
"""


MATRIX_INLINE_NOTE = """\
SENDER={sender}: Matrix is configured, so the sender runs in this process after all. Its Matrix
deliveries go through the client of the sync loop, which runs here; see README.md, "The sender
process".
"""


def serve(settings: Settings) -> int:
    """Slack, Matrix or both, by which credentials are set; with none, the playground."""
    if not settings.has_slack_credentials and not settings.has_matrix_credentials:
        print(PLAYGROUND_NOTE, file=sys.stderr)
        return _playground(Bot.build, port=settings.port, demo=False, log_level=settings.log_level)
    if settings.has_slack_credentials:
        missing = settings.missing_credentials()
        if missing:
            print(CREDENTIALS_HELP.format(missing=", ".join(missing)), file=sys.stderr)
            return 2
    if settings.has_matrix_credentials:
        missing = settings.missing_matrix_credentials()
        if missing:
            print(MATRIX_HELP.format(missing=", ".join(missing)), file=sys.stderr)
            return 2
    if settings.sender in ("process", "external"):
        refusal = settings.process_refusal()
        if refusal is not None:
            print(f"Förvaltningsbot cannot start: {refusal}", file=sys.stderr)
            return 2
        if settings.has_matrix_credentials:
            print(MATRIX_INLINE_NOTE.format(sender=settings.sender), file=sys.stderr)
    mode = settings.sender_mode
    try:
        bot = Bot.build(settings, role=Role.WHOLE if mode == "inline" else Role.WEB)
    except DomainError as err:
        print(_cannot_start(err), file=sys.stderr)
        return 3
    # Started once this process has migrated the database: the child finds it up to date.
    runner.run(bot, SenderProcess() if mode == "process" else None)
    return 0


def send(settings: Settings, parent_fd: int | None) -> int:
    """The outbox sender and the tick alone, woken by the web processes' NOTIFY."""
    problem = settings.process_refusal()
    if settings.has_matrix_credentials:
        problem = (
            "Matrix is configured, and its deliveries go through the client of the sync loop, "
            "in the web process: run `forvaltningsbot serve` with SENDER=inline."
        )
    elif settings.slack_bot_token is None and not settings.oauth_mode:
        problem = (
            "it needs what serve needs to send: SLACK_BOT_TOKEN (or SLACK_CLIENT_ID and "
            "SLACK_CLIENT_SECRET)."
        )
    if problem is not None:
        print(f"forvaltningsbot send cannot start: {problem}", file=sys.stderr)
        return 2
    if settings.sender_nice:
        os.nice(settings.sender_nice)  # acks first: see Settings.sender_nice
    try:
        bot = SenderBot.build(settings)
    except DomainError as err:
        print(_cannot_start(err), file=sys.stderr)
        return 3
    runner.run_sender(bot, parent_fd=parent_fd)
    return 0


def _cannot_start(err: DomainError) -> str:
    return f"Förvaltningsbot cannot start: {err.params.get('origin')}: {err.params.get('problem')}"


def _playground(build: Callable[[Settings], Bot], *, port: int, demo: bool, log_level: str) -> int:
    # The playground and its fake Slack are loaded only when they run: never by `serve`.
    from bot.playground import run

    return run(build, port=port, demo=demo, log_level=log_level)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="forvaltningsbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "serve",
        help="run the bot: Slack, Matrix or both, by which credentials are set "
        "(Socket Mode if SLACK_APP_TOKEN is set)",
    )
    send_parser = commands.add_parser(
        "send",
        help="run only the outbox sender and the tick, woken by serve's NOTIFY (PostgreSQL; "
        "serve starts it itself when SENDER=process)",
    )
    # Given by serve: the read end of a pipe whose end-of-file says serve is gone.
    send_parser.add_argument("--parent-fd", type=int, default=None, help=argparse.SUPPRESS)
    manifest_parser = commands.add_parser("manifest", help="print the Slack app manifest (JSON)")
    manifest_parser.add_argument(
        "--request-url",
        help="public base URL for HTTP mode, e.g. https://bot.kommun.se (default: Socket Mode)",
    )
    export_parser = commands.add_parser(
        "export", help="write a project's decision record for diarieföring (Markdown, JSON, PDF/A)"
    )
    export_parser.add_argument("project", help="the project's name, channel id or number")
    export_parser.add_argument("--format", choices=("md", "json", "pdf"), default="md")
    export_parser.add_argument("--lang", choices=("sv", "en"), default="sv")
    export_parser.add_argument("--output", "-o", help="file to write (default: standard output)")
    export_parser.add_argument("--force", action="store_true", help="overwrite the -o file")
    export_parser.add_argument(
        "--team", help="the workspace (T…) whose project is meant, when names are shared"
    )
    export_parser.add_argument(
        "--all-versions",
        action="store_true",
        help="every justerat version of each decision as it was sealed (default: as it stands)",
    )
    playground = commands.add_parser(
        "playground",
        help="the bot with a fake Slack in the browser, on 127.0.0.1 (no Slack needed)",
    )
    playground.add_argument("--demo", action="store_true", help="seed a project half-way through")
    playground.add_argument(
        "--port", type=int, default=None, help="port of the page (default: PORT, else 3000)"
    )
    args = parser.parse_args(argv)
    if args.command == "export" and args.format == "pdf" and not args.output:
        export_parser.error("--format pdf writes a binary file: give it one with -o FILE")
    settings = Settings()
    logs.configure(settings.log_level, secrets=settings.secret_values())
    if args.command == "manifest":
        try:
            built = manifest(request_url=args.request_url)
        except ManifestError as err:
            manifest_parser.error(str(err))  # exits 2, as argparse does for a bad argument
        print(json.dumps(built, indent=2, ensure_ascii=False))
        return 0
    if args.command == "export":
        if args.output:
            _check_output(export_parser, Path(args.output), force=args.force)
        return export(
            settings,
            args.project,
            args.format,
            args.lang,
            args.output,
            args.team,
            all_versions=args.all_versions,
        )
    if args.command == "playground":
        port = settings.port if args.port is None else args.port
        return _playground(Bot.build, port=port, demo=args.demo, log_level=settings.log_level)
    if args.command == "send":
        return send(settings, args.parent_fd)
    return serve(settings)


def _check_output(parser: argparse.ArgumentParser, path: Path, *, force: bool) -> None:
    """Before anything is read: a record is never written over one already there by mistake."""
    if path.is_dir():
        parser.error(f"-o {path} is a folder: give a file name in it")
    if not path.parent.is_dir():
        parser.error(f"-o {path}: the folder {path.parent} does not exist; create it first")
    if path.exists() and not force:
        parser.error(f"-o {path} exists already: give --force to overwrite it")


def export(
    settings: Settings,
    ref: str,
    fmt: str,
    lang: str,
    output: str | None,
    team: str | None = None,
    *,
    all_versions: bool = False,
) -> int:
    try:
        document = export_record(settings, ref, fmt, lang, team, all_versions=all_versions)
    except NoDatabase as err:
        print(
            f"forvaltningsbot export: {err} (DATABASE_URL). Nothing was written.", file=sys.stderr
        )
        return 5
    except DomainError as err:
        print(f"forvaltningsbot export: {_not_one(ref, team, err)}", file=sys.stderr)
        return 4
    except PdfUnavailable as err:
        print(f"forvaltningsbot export: no PDF on this machine: {err}", file=sys.stderr)
        return 3
    if isinstance(document, bytes):
        assert output is not None  # main() refuses pdf without -o
        Path(output).write_bytes(document)
    elif output:
        Path(output).write_text(document, encoding="utf-8")
    else:
        sys.stdout.write(document)
    return 0


def _not_one(ref: str, team: str | None, err: DomainError) -> str:
    within = f" in team {team}" if team else ""
    if err.code is ErrorCode.AMBIGUOUS_PROJECT:
        return (
            f"several projects match {ref!r}{within}: {err.params['candidates']}. "
            "Say which with --team T… or by its number."
        )
    return f"no project {ref!r}{within}."


if __name__ == "__main__":
    sys.exit(main())
