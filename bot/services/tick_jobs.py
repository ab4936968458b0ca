"""The tick's jobs: each claims up to `batch` due rows, does their work, and moves them on.

Every job has the same shape (a `tick.Step`): it runs in one transaction, queues its outbox
events in that transaction with keys unique per (row, occurrence), and returns how many rows it
claimed, so the tick knows whether to run it again. A row is claimed by one ticker (`FOR
UPDATE SKIP LOCKED` on PostgreSQL), so any number of tickers in threads or replicas share the
work without doing it twice.

After downtime a schedule's `next_run_at` and a vote's deadline lie in the past; the job does
them once and moves them on (a schedule to the first occurrence after *now*), so the missed
occurrences add up to one reminder and a vote closes once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from sqlmodel import Session

from bot.domain.activities import FINISHED, ActivityStatus
from bot.domain.reminders import plan_occurrence, should_escalate
from bot.domain.schedule import Schedule, next_occurrence, parse_schedule
from bot.domain.voting import CloseReason
from bot.services import outbox_events as out
from bot.services.context import Services
from bot.services.record import justering_of
from bot.services.reminders import facts
from bot.services.tick_report import TickReport
from bot.services.unit import enqueue, row_id
from bot.services.vote_view import view_of
from bot.services.votes import close_once
from storage import events as seen_events
from storage import justering as justering_store
from storage import reminders as store
from storage import votes as vote_store
from storage.models import Project, Vote

EVENT_MEMORY = timedelta(days=1)  # Slack retries within minutes; a day is ample
# How long a reminder DM is redrawn after a click in it: a schedule reminds every week or so,
# so a DM a quarter old has been followed by a dozen newer ones.
REMINDER_MEMORY = timedelta(days=90)


@lru_cache(maxsize=1024)
def _parsed(spec: str) -> Schedule:
    return parse_schedule(spec)


def run_schedules(services: Services, now: datetime, batch: int, report: TickReport) -> int:
    """A schedule's occurrence has come: each owner's reminder and the channel's digest."""
    with services.db.session() as session:
        claimed = store.claim_due_schedules(session=session, now=now, limit=batch)
        if not claimed:
            return 0
        activities = store.activities_of_projects(
            session=session, project_ids=[s.project_id for s in claimed]
        )
        today = services.today(now)
        events: list[out.Outgoing] = []
        moves: list[tuple[int, datetime]] = []
        for due in claimed:
            occasion = due.next_run_at.isoformat()
            plan = plan_occurrence([facts(a) for a in activities[due.project_id]], now, today)
            events += [
                out.reminder(due.team_id, due.project_id, owner, occasion, ids)
                for owner, ids in plan.reminders.items()
            ]
            if plan.digest:
                events.append(
                    out.digest(due.team_id, due.project_id, due.channel_id, occasion, plan.digest)
                )
                report.digests += 1
            report.reminders += len(plan.reminders)
            moves.append((due.project_id, _next_run(services, due.spec, now)))
        enqueue(session, now, *events)
        store.advance(session=session, moves=moves, now=now)
        report.schedules += len(claimed)
        return len(claimed)


def _next_run(services: Services, spec: str, now: datetime) -> datetime:
    return next_occurrence(_parsed(spec), now, services.calendar)


def run_snoozes(services: Services, now: datetime, batch: int, report: TickReport) -> int:
    """A snooze that has run out reminds the owner of that one activity, once."""
    with services.db.session() as session:
        claimed = store.claim_due_activities(
            session=session, column="snoozed_until", now=now, limit=batch
        )
        events = []
        for project, row in claimed:
            assert row.snoozed_until is not None
            if row.owner_id and ActivityStatus(row.status) not in FINISHED:
                occasion = f"snooze-{row_id(row)}-{row.snoozed_until.isoformat()}"
                events.append(
                    out.reminder(
                        project.team_id,
                        row_id(project),
                        row.owner_id,
                        occasion,
                        [row_id(row)],
                        snoozed=True,
                    )
                )
            row.snoozed_until = None
        enqueue(session, now, *events)
        report.snoozes += len(events)
        return len(claimed)


def run_escalations(services: Services, now: datetime, batch: int, report: TickReport) -> int:
    """An activity still open two business days after its due date goes to the projektledare."""
    with services.db.session() as session:
        claimed = store.claim_due_activities(
            session=session, column="escalate_at", now=now, limit=batch
        )
        events = []
        for project, row in claimed:
            if should_escalate(facts(row), row.escalated_due):
                assert row.due is not None
                events.append(
                    out.escalation(project.team_id, project.lead_id, row_id(row), row.due)
                )
                row.escalated_due = row.due
            row.escalate_at = None
        enqueue(session, now, *events)
        report.escalations += len(events)
        return len(claimed)


def _claim_votes(
    session: Session, column: str, now: datetime, batch: int
) -> list[tuple[Vote, Project]]:
    """The votes due by `column`, each with its project."""
    pairs = []
    for vote in vote_store.claim_due(session=session, column=column, now=now, limit=batch):
        found = vote_store.vote_with_project(session=session, vote_id=row_id(vote))
        assert found is not None
        pairs.append(found)
    return pairs


def run_deadlines(services: Services, now: datetime, batch: int, report: TickReport) -> int:
    """Close the votes whose deadline has come (also while the bot was stopped)."""
    with services.db.session() as session:
        claimed = _claim_votes(session, "deadline", now, batch)
        for vote, project in claimed:
            closed = close_once(services, session, vote, project, CloseReason.deadline, None)
            report.votes_closed += closed
        return len(claimed)


def run_non_voter_reminders(
    services: Services, now: datetime, batch: int, report: TickReport
) -> int:
    """Each eligible member who has not voted gets one DM before the deadline."""
    with services.db.session() as session:
        claimed = _claim_votes(session, "remind_at", now, batch)
        for vote, project in claimed:
            view = view_of(services, session, vote, project)
            reminders = [
                out.vote_reminder(project.team_id, row_id(vote), member)
                for member in view.tally.not_voted
            ]
            enqueue(session, now, *reminders)
            report.vote_reminders += len(reminders)
            vote.remind_at = None
        return len(claimed)


def run_justering_reminders(
    services: Services, now: datetime, batch: int, report: TickReport
) -> int:
    """Two business days after a version of a record began, whoever has not justerat it is
    reminded once; a version corrected since is not."""
    with services.db.session() as session:
        claimed = justering_store.claim_due_reminders(session=session, now=now, limit=batch)
        for version in claimed:
            current = justering_of(session, version.vote_id)
            vote = session.get(Vote, version.vote_id)
            project = session.get(Project, vote.project_id) if vote else None
            if current is not None and project and current.version == version.version:
                reminders = [
                    out.justering_reminder(project.team_id, version.vote_id, version.version, p)
                    for p in current.waiting
                ]
                enqueue(session, now, *reminders)
                report.justering_reminders += len(reminders)
            version.remind_at = None
        return len(claimed)


def forget_old_reminder_messages(
    services: Services, now: datetime, batch: int, report: TickReport
) -> int:
    """Reminder DMs posted longer ago than REMINDER_MEMORY are no longer redrawn on a click:
    their records go. A click in one still does what it says; the owner has had newer
    reminders listing whatever is still open since."""
    with services.db.session() as session:
        return store.forget_messages_before(
            session=session, before=now - REMINDER_MEMORY, limit=batch
        )


def forget_old_events(services: Services, now: datetime, batch: int, report: TickReport) -> int:
    """Slack's event ids seen long enough ago that Slack no longer retries them."""
    with services.db.session() as session:
        return seen_events.forget_before(session=session, before=now - EVENT_MEMORY, limit=batch)
