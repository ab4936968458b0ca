"""Issue 7/8: /metrics of the real bot, scraped after the bot has done real work."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import urlopen

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select
from sqlmodel import col

from bot.http import surface_of
from bot.metrics import Metrics, Surface
from storage import outbox
from storage.db import Database
from storage.models import Activity
from tests.support.bot import RunningBot, Workspace, run
from tests.support.project import ready_the_project
from tests.support.waiting import eventually

FORM = "application/x-www-form-urlencoded"
Series = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(running: RunningBot) -> Series:
    with urlopen(running.bot.server.url + "/metrics", timeout=5) as reply:  # noqa: S310
        assert reply.status == 200
        assert reply.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        body = reply.read().decode("utf-8")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def value(series: Series, name: str, **labels: str) -> float:
    return series.get((f"forvaltningsbot_{name}", frozenset(labels.items())), 0.0)


def test_requests_deliveries_ticks_and_votes_are_counted(
    start_bot: Callable[[], RunningBot], workspace: Workspace
) -> None:
    w = workspace
    running = start_bot()
    before = scrape(running)
    assert value(before, "database_up") == 1
    assert value(before, "votes_open") == 0
    assert value(before, "outbox_depth") == 0

    run(running, w, "nytt Kommunen X")
    w.fake.inject("chat.postMessage", status=500)  # the owner's DM fails once, then gets through
    run(running, w, f"ansvarig 1.2 <@{w.erik}>")
    with running.bot.db.session() as session:
        activity = session.execute(
            select(col(Activity.id)).where(col(Activity.key) == "driftavtal")
        ).scalar_one()
    click = running.slack.block_action(
        user_id=w.erik, action_id="activity_done", value=str(activity), block_id="actions"
    )
    assert click.status == 200
    assert running.slack.app_home_opened(w.sara).status == 200
    forged = running.slack.command("status", user_id=w.anna, channel_id=w.project_channel)
    refused = running.slack.send(forged.sent_body, FORM, signature="v0=0")
    assert refused.status == 401
    ticks = value(scrape(running), "tick_seconds_count")
    assert running.bot.ticker is not None  # a whole bot, as the fixture builds it
    running.bot.ticker.tick()

    def delivered() -> Series | None:
        series = scrape(running)
        sent = value(series, "outbox_deliveries_total", kind="owner_assigned", outcome="sent")
        return series if sent >= 1 else None

    after = eventually(delivered, seconds=15)
    assert after is not None, "the owner's DM was not counted as sent"
    ok = {"status": "200"}
    assert value(after, "slack_requests_total", surface="command", **ok) == 3
    assert value(after, "slack_requests_total", surface="action", **ok) == 1
    assert value(after, "slack_requests_total", surface="event", **ok) == 1
    assert value(after, "slack_requests_total", surface="command", status="401") == 1
    assert value(after, "slack_ack_seconds_count", surface="command") == 4
    assert value(after, "slack_ack_seconds_count", surface="action") == 1
    assert value(after, "slack_ack_seconds_bucket", surface="action", le="+Inf") == 1
    assert value(after, "outbox_deliveries_total", kind="owner_assigned", outcome="retry") == 1
    assert (
        value(after, "outbox_delivery_errors_total", kind="owner_assigned", error="http 500") == 1
    )
    assert value(after, "tick_seconds_count") >= ticks + 1
    assert value(after, "tick_failures_total") == 0

    ready_the_project(running, w, [w.sara, w.erik, w.anna], w.sara, w.other_channel)
    run(running, w, "milstolpe")
    assert value(scrape(running), "votes_open") == 1


def test_outbox_depth_and_age_of_the_oldest_pending_event_are_read_at_scrape(
    start_bot: Callable[[], RunningBot],
) -> None:
    running = start_bot()
    assert running.bot.sender is not None
    running.bot.sender.stop()  # nothing delivers: what is queued stays pending
    queued_at = datetime.now(UTC) - timedelta(hours=1)
    with running.bot.db.session() as session:
        for n in range(2):
            outbox.enqueue_many(
                session=session,
                events=[
                    {
                        "key": f"probe:{n}",
                        "team_id": "T1",
                        "kind": "owner_assigned",
                        "target": "U1",
                        "payload": {},
                    }
                ],
                now=queued_at + timedelta(minutes=n),
            )
    series = scrape(running)
    assert value(series, "outbox_depth") == 2
    assert value(series, "outbox_oldest_pending_age_seconds") >= 3600


def test_a_database_that_does_not_answer_is_reported_not_raised(tmp_path: Path) -> None:
    metrics = Metrics()
    db = Database.from_url(f"sqlite:///{tmp_path / 'missing' / 'bot.db'}")
    metrics.watch_database(db, lambda: datetime.now(UTC))
    families = {f.name: f for f in text_string_to_metric_families(metrics.exposition().decode())}
    assert families["forvaltningsbot_database_up"].samples[0].value == 0
    assert "forvaltningsbot_outbox_depth" not in families
    db.dispose()


def test_each_bot_has_its_own_registry() -> None:
    # Two bots in one process (as in the tests) must not collide on metric names.
    first, second = Metrics(), Metrics()
    first.slack_request(Surface.COMMAND, 200, 0.01)
    assert b'surface="command"' in first.exposition()
    assert b'surface="command"' not in second.exposition()


def _form(**fields: str) -> bytes:
    return urlencode(fields).encode()


@pytest.mark.parametrize(
    ("body", "content_type", "surface"),
    [
        (_form(command="/forvaltning", text="status"), FORM, Surface.COMMAND),
        (_form(payload=json.dumps({"type": "block_actions"})), FORM, Surface.ACTION),
        (_form(payload=json.dumps({"type": "block_suggestion"})), FORM, Surface.ACTION),
        (_form(payload=json.dumps({"type": "view_submission"})), FORM, Surface.VIEW_SUBMISSION),
        (_form(payload=json.dumps({"type": "view_closed"})), FORM, Surface.OTHER),
        (_form(payload="not json"), FORM, Surface.OTHER),
        (b'{"type": "event_callback", "event": {}}', "application/json", Surface.EVENT),
        (b'{"type": "url_verification"}', "application/json", Surface.OTHER),
        (b"[1, 2]", "application/json", Surface.OTHER),
        (b"\xff\xfe", FORM, Surface.OTHER),
        (b"", "", Surface.OTHER),
    ],
)
def test_surface_is_read_from_the_body_as_slack_sends_it(
    body: bytes, content_type: str, surface: Surface
) -> None:
    assert surface_of(body, content_type) is surface
