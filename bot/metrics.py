"""Prometheus metrics: one registry per bot, served at /metrics by the WSGI app.

A registry of its own (not prometheus_client's global default) so that two bots in one test
process, or a bot and its tests, never collide on a metric name. Counters and histograms are
moved where the work happens (the WSGI layer, the outbox sender, the ticker); what lives in the
database (outbox depth, open votes) is read when Prometheus scrapes, so it is never stale and a
second replica reports the same truth.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector

from storage import outbox, votes
from storage.db import Database

log = logging.getLogger(__name__)

NAMESPACE = "forvaltningsbot"
# Slack gives up after 3 s; the buckets are dense below that, where the interesting changes are.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
TICK_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
MAX_LABEL = 64  # error labels come from Slack and exceptions: bound what a label can hold


class Surface(StrEnum):
    """Where a Slack request lands: the label that tells a slow command from a slow button."""

    COMMAND = "command"
    ACTION = "action"
    VIEW_SUBMISSION = "view_submission"
    EVENT = "event"
    OTHER = "other"


class Metrics:
    """The instruments; Bot.build makes one and hands it to each part that counts something."""

    # The classic text format, which every Prometheus reads. generate_latest writes it (our
    # names are all plain), while its CONTENT_TYPE_LATEST names format 1.0.0 in newer releases.
    content_type = "text/plain; version=0.0.4; charset=utf-8"

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.slack_requests = Counter(
            "slack_requests",
            "Slack requests received, by surface and HTTP status answered",
            ["surface", "status"],
            namespace=NAMESPACE,
            registry=self.registry,
        )
        self.ack_seconds = Histogram(
            "slack_ack_seconds",
            "Time from receiving a Slack request to the HTTP answer, which is the ack",
            ["surface"],
            namespace=NAMESPACE,
            buckets=ACK_BUCKETS,
            registry=self.registry,
        )
        self.deliveries = Counter(
            "outbox_deliveries",
            "Outbox delivery attempts by kind and outcome (sent, retry, failed)",
            ["kind", "outcome"],
            namespace=NAMESPACE,
            registry=self.registry,
        )
        self.delivery_errors = Counter(
            "outbox_delivery_errors",
            "Outbox delivery attempts that did not get through, by kind and error",
            ["kind", "error"],
            namespace=NAMESPACE,
            registry=self.registry,
        )
        self.tick_seconds = Histogram(
            "tick_seconds",
            "Duration of one tick (reminders, snoozes, escalations, vote deadlines)",
            namespace=NAMESPACE,
            buckets=TICK_BUCKETS,
            registry=self.registry,
        )
        self.tick_failures = Counter(
            "tick_failures",
            "Ticks that raised (the next tick retries)",
            namespace=NAMESPACE,
            registry=self.registry,
        )

    def watch_database(self, db: Database, clock: Callable[[], datetime]) -> None:
        """Read the database's gauges at every scrape."""
        self.registry.register(DatabaseCollector(db, clock))

    def slack_request(self, surface: Surface, status: int, seconds: float) -> None:
        self.slack_requests.labels(surface.value, str(status)).inc()
        self.ack_seconds.labels(surface.value).observe(seconds)

    def delivered(self, kind: str, outcome: str, error: str | None = None) -> None:
        self.deliveries.labels(kind, outcome).inc()
        if error is not None:
            self.delivery_errors.labels(kind, error[:MAX_LABEL]).inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class DatabaseCollector(Collector):
    """Gauges computed from the database when scraped.

    If the database does not answer, the scrape still succeeds with `database_up 0`: a failing
    /metrics would hide the very outage the operator wants to see.
    """

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock

    def describe(self) -> Iterable[Metric]:
        # Names only, without touching the database when the collector is registered.
        return [
            GaugeMetricFamily(f"{NAMESPACE}_database_up", ""),
            GaugeMetricFamily(f"{NAMESPACE}_outbox_depth", ""),
            GaugeMetricFamily(f"{NAMESPACE}_outbox_oldest_pending_age_seconds", ""),
            GaugeMetricFamily(f"{NAMESPACE}_votes_open", ""),
        ]

    def collect(self) -> Iterable[Metric]:
        try:
            values = self._read()
        except Exception as exc:  # any database failure is "down"; the scrape must still answer
            log.warning("metrics: database unavailable: %s", type(exc).__name__)
            yield GaugeMetricFamily(
                f"{NAMESPACE}_database_up", "1 if the database answered this scrape", value=0
            )
            return
        yield GaugeMetricFamily(
            f"{NAMESPACE}_database_up", "1 if the database answered this scrape", value=1
        )
        yield GaugeMetricFamily(
            f"{NAMESPACE}_outbox_depth",
            "Outbox events waiting to be delivered (pending)",
            value=values["depth"],
        )
        yield GaugeMetricFamily(
            f"{NAMESPACE}_outbox_oldest_pending_age_seconds",
            "Age of the oldest pending outbox event (0 when none waits)",
            value=values["age"],
        )
        yield GaugeMetricFamily(
            f"{NAMESPACE}_votes_open", "Steering-group votes open now", value=values["votes"]
        )

    def _read(self) -> dict[str, Any]:
        now = self._clock()
        with self._db.session() as session:
            depth = outbox.depth(session=session)
            oldest = outbox.oldest_pending(session=session)
            open_votes = votes.open_count(session=session)
        age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
        return {"depth": depth, "age": age, "votes": open_votes}
