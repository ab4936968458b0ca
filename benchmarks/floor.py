"""The transactional floor of figure 1: a bare Bolt app that does the work of each surface
with nothing between it and the database.

What the fast path is measured against (issue 5/6): the same Bolt settings and HttpServer as
the bot (`benchmarks.bare`), and for each surface the statements the work needs, sent by the
raw driver (psycopg) in one transaction on a connection kept per server thread:

- status: the project, its activities, documents, steering group and latest closed vote,
  then a Block Kit reply of one section per activity, built with plain Python;
- klar/pågår: the replay claim, the project, the activity, a compare-and-set UPDATE, the audit
  row and the Home-tab refresh in the outbox, then a one-line confirmation;
- a vote click: the replay claim, the vote locked with its project, the documents, jäv,
  förhinder and ballots the rules need, the ballot upserted, the audit row, the receipt and
  the redraw in the outbox; an empty ack.

It runs on a copy of the bot's seeded database (benchmarks.ack makes it), so it writes the
rows the bot writes without the bot's sender ever seeing them. Run as `python -m
benchmarks.floor` with DATABASE_URL set; SIGTERM stops it.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from datetime import UTC, datetime
from typing import Any

import psycopg
from slack_bolt import App
from sqlalchemy.engine import make_url

from benchmarks.bare import bare_app, serve
from bot.config import Settings
from bot.phases import load_phase
from messages.ids import BlockId

ANYTHING = re.compile(".*")
STATUS_WORDS = {"klar": "done", "pågår": "in_progress"}


class Floor:
    """One psycopg connection per server thread; each request is one transaction on it."""

    def __init__(self, database_url: str) -> None:
        url = make_url(database_url)
        self._dsn = (
            f"host={url.host or '127.0.0.1'} port={url.port or 5432} "
            f"dbname={url.database} user={url.username or 'postgres'}"
        )
        self._local = threading.local()
        phase = load_phase()
        self._keys = {a.number: a.key for a in phase.activities}
        self._names = {a.key: a.title.sv for a in phase.activities}

    def _connection(self) -> psycopg.Connection[tuple[Any, ...]]:
        connection: psycopg.Connection[tuple[Any, ...]] | None = getattr(
            self._local, "connection", None
        )
        if connection is None or connection.closed:
            connection = psycopg.connect(self._dsn)
            self._local.connection = connection
        return connection

    def status(self, team: str, channel: str) -> dict[str, Any]:
        with self._connection().transaction() as tx:
            cur = tx.connection.cursor()
            project = cur.execute(
                "SELECT id, name, lead_id, chair_id FROM project"
                " WHERE team_id = %s AND channel_id = %s",
                (team, channel),
            ).fetchone()
            assert project is not None
            pid = project[0]
            activities = cur.execute(
                "SELECT key, status, owner_id, due, note FROM activity"
                " WHERE project_id = %s ORDER BY id",
                (pid,),
            ).fetchall()
            documents = cur.execute(
                "SELECT key, url FROM document WHERE project_id = %s", (pid,)
            ).fetchall()
            members = cur.execute(
                "SELECT user_id FROM steering_member WHERE project_id = %s ORDER BY position",
                (pid,),
            ).fetchall()
            cur.execute(
                "SELECT id, outcome FROM vote WHERE project_id = %s AND status = 'closed'"
                " ORDER BY id DESC LIMIT 1",
                (pid,),
            ).fetchone()
        done = sum(1 for a in activities if a[1] in ("done", "not_applicable"))
        blocks: list[dict[str, Any]] = [
            {"type": "header", "text": {"type": "plain_text", "text": f"Projekt: {project[1]}"}},
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": f"{done} av {len(activities)} klara"},
                ],
            },
            {"type": "divider"},
        ]
        for key, status, owner, due, note in activities:
            line = f"*{key}* {self._names.get(key, key)} · <@{owner}> · {due} · {status}"
            if note:
                line += f"\n> _{note}_"
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": line}})
        blocks.append({"type": "divider"})
        docs = "\n".join(f"• <{url}|{key}>" for key, url in documents)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": docs or "–"}})
        steering = " ".join(f"<@{m[0]}>" for m in members)
        readiness = f"{len(activities) - done} kvar · styrgrupp: {steering}"
        blocks.append(
            {
                "type": "section",
                "block_id": BlockId.STATUS_READINESS,
                "text": {"type": "mrkdwn", "text": readiness},
            }
        )
        return {"response_type": "ephemeral", "text": project[1], "blocks": blocks}

    def mark(self, team: str, channel: str, user: str, number: str, target: str, key: str) -> str:
        now = datetime.now(UTC)
        with self._connection().transaction() as tx:
            cur = tx.connection.cursor()
            if not _claimed(cur, key, "command", team, now):
                return ""
            project = cur.execute(
                "SELECT id, name, lead_id FROM project WHERE team_id = %s AND channel_id = %s",
                (team, channel),
            ).fetchone()
            assert project is not None
            activity = cur.execute(
                "SELECT id, status, note, owner_id, updated_at FROM activity"
                " WHERE project_id = %s AND key = %s",
                (project[0], self._keys[number]),
            ).fetchone()
            assert activity is not None
            cur.execute(
                "UPDATE activity SET status = %s, note = NULL, updated_at = %s, escalate_at = NULL"
                " WHERE id = %s AND status = %s AND updated_at = %s",
                (target, now, activity[0], activity[1], activity[4]),
            )
            cur.execute(
                "INSERT INTO audit_entry (team_id, project_id, actor_id, action, target, before,"
                " after, at) VALUES (%s, %s, %s, 'activity.status', %s, %s, %s, %s) RETURNING id",
                (
                    team,
                    project[0],
                    user,
                    self._keys[number],
                    json.dumps({"status": activity[1], "note": activity[2]}),
                    json.dumps({"status": target, "note": None}),
                    now,
                ),
            )
            for person in dict.fromkeys((activity[3], user)):
                cur.execute(
                    "INSERT INTO outbox (key, team_id, kind, target, payload, status, attempts,"
                    " created_at, next_attempt_at) VALUES (%s, %s, 'home_refresh', %s, '{}',"
                    " 'pending', 0, %s, %s) ON CONFLICT DO NOTHING",
                    (f"home_refresh:{team}:{person}:pending", team, person, now, now),
                )
        return f":white_check_mark: *{number}* {self._names[self._keys[number]]}: {target}"

    def vote(self, team: str, user: str, vote_id: int, choice: str, key: str) -> None:
        now = datetime.now(UTC)
        with self._connection().transaction() as tx:
            cur = tx.connection.cursor()
            if not _claimed(cur, key, "action", team, now):
                return
            vote = cur.execute(
                "SELECT vote.id, vote.status, vote.members, vote.channel_id, project.id"
                " FROM vote JOIN project ON project.id = vote.project_id"
                " WHERE vote.id = %s FOR UPDATE OF vote",
                (vote_id,),
            ).fetchone()
            assert vote is not None
            cur.execute("SELECT key, url FROM document WHERE project_id = %s", (vote[4],))
            cur.execute("SELECT member, ruled_javig FROM jav WHERE vote_id = %s", (vote_id,))
            cur.execute("SELECT member FROM forhinder WHERE vote_id = %s", (vote_id,))
            ballots = dict(
                cur.execute(
                    "SELECT user_id, choice FROM ballot WHERE vote_id = %s", (vote_id,)
                ).fetchall()
            )
            if ballots.get(user) == choice:
                return
            cur.execute(
                "INSERT INTO ballot (vote_id, user_id, choice, cast_at) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (vote_id, user_id) DO UPDATE SET choice = excluded.choice,"
                " cast_at = excluded.cast_at RETURNING id",
                (vote_id, user, choice, now),
            )
            change = cur.execute(
                "INSERT INTO audit_entry (team_id, project_id, actor_id, action, target, before,"
                " after, at) VALUES (%s, %s, %s, 'vote.cast', %s, %s, %s, %s) RETURNING id",
                (
                    team,
                    vote[4],
                    user,
                    f"vote:{vote_id}",
                    json.dumps(ballots.get(user)),
                    json.dumps(choice),
                    now,
                ),
            ).fetchone()
            assert change is not None
            outgoing = [
                (
                    f"vote_receipt:{vote_id}:{user}:{change[0]}",
                    "vote_receipt",
                    user,
                    {"vote": vote_id, "choice": choice},
                ),
                (f"vote_update:{vote_id}:pending", "vote_update", vote[3], {"vote": vote_id}),
            ]
            for outbox_key, kind, target, payload in outgoing:
                cur.execute(
                    "INSERT INTO outbox (key, team_id, kind, target, payload, status, attempts,"
                    " created_at, next_attempt_at) VALUES (%s, %s, %s, %s, %s, 'pending', 0,"
                    " %s, %s) ON CONFLICT DO NOTHING RETURNING id",
                    (outbox_key, team, kind, target, json.dumps(payload), now, now),
                )


def _claimed(
    cur: psycopg.Cursor[tuple[Any, ...]], key: str, kind: str, team: str, now: datetime
) -> bool:
    """The replay claim, as the bot writes it: False when the request was handled before."""
    claimed = cur.execute(
        "INSERT INTO slack_request (key, kind, team_id, received_at)"
        " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING key",
        (key, kind, team, now),
    ).fetchone()
    return claimed is not None


def floor_app(settings: Settings) -> App:
    """The bare app's settings, with listeners that do each surface's work."""
    app = bare_app(settings, listeners=False)
    floor = Floor(settings.database_url)

    def command(ack: Any, command: dict[str, Any]) -> None:
        verb, _, rest = str(command.get("text", "")).partition(" ")
        team, channel = command["team_id"], command["channel_id"]
        if verb == "status":
            ack(**floor.status(team, channel))
        elif verb in STATUS_WORDS:
            key = command["trigger_id"]
            text = floor.mark(team, channel, command["user_id"], rest, STATUS_WORDS[verb], key)
            ack(response_type="ephemeral", text=text)
        else:
            ack()

    def action(ack: Any, body: dict[str, Any]) -> None:
        clicked = body["actions"][0]
        choice = {"vote_yes": "yes", "vote_no": "no"}.get(clicked["action_id"])
        if choice is not None:
            key = f"{clicked['action_ts']}:{body['user']['id']}"
            floor.vote(body["team"]["id"], body["user"]["id"], int(clicked["value"]), choice, key)
        ack()

    app.command(ANYTHING)(command)
    app.action(ANYTHING)(action)
    return app


if __name__ == "__main__":
    sys.exit(serve(floor_app))
