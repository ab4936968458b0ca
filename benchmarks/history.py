"""Figure 7: one decision announced at Slack's own limits, with the history budget.

One decision announced to 10 stakeholder channels and the project's own, with the history
budget of an app outside the Marketplace (1 call a minute per workspace, 15 messages) and 30%
of posts failing once with a 5xx after Slack posted them (so only a look finds them). The rig
is figure 6's (`benchmarks.rig`). One look a minute makes it take over two minutes, so it runs
by name (`--only history`), not in `make bench`.
"""

from __future__ import annotations

import time
from datetime import timedelta

from benchmarks.figure import Budget, Figure, Options, Result, Table
from benchmarks.harness import DatabaseUnavailable
from benchmarks.rig import LATENCY, LEAD, Rig, keys, refusals, slack_rig, wait
from bot.services import projects, votes
from bot.services.context import Actor
from storage import votes as vote_store
from storage.models import Vote

STAKEHOLDERS = 10
FAIL_ONCE = 0.3
# A seed whose draws fail 3 of the 11 posts: the expected share, not a kind one.
SEED = 6


class _Everyone:
    """The projektledare is in every channel (the setup's, not what is measured)."""

    def is_member(self, team_id: str, channel_id: str, user_id: str) -> bool:
        return True


def _open_and_close(rig: Rig, channels: list[str]) -> tuple[int, str]:
    team = rig.teams[0]
    lead = Actor(team, LEAD)
    project_channel = rig.fake.state.add_channel("projekt")
    project = projects.create_project(rig.services, lead, project_channel, "Kommunen X")
    projects.set_channels(rig.services, lead, project_channel, channels, _Everyone())
    now = rig.services.clock()
    chair = rig.chair = rig.fake.state.add_user("ordforande")
    vote = Vote(
        project_id=project.id,
        milestone=rig.services.phase().milestone.key,
        status=vote_store.OPEN,
        channel_id=project_channel,
        members=[chair],
        chair_id=chair,
        opened_by=LEAD,
        opened_at=now,
        deadline=now + timedelta(days=7),
    )
    # The vote message, as if the bot had posted it: its final redraw is not what is measured.
    bot_user = rig.fake.state.bot.user_id
    vote.message_ts = rig.fake.state.post(project_channel, user=bot_user, text="", blocks=[]).ts
    with rig.services.db.session() as session:
        added = vote_store.add_vote(session=session, vote=vote)
        assert added.id is not None
        vote_id = added.id
    rig.settle()
    return vote_id, project_channel


def _announcement_round(kind: str, options: Options, seed: int) -> list[str]:
    with slack_rig(kind, options, 1) as rig:
        rig.at_limits()
        channels = [rig.fake.state.add_channel(f"intressent-{n}") for n in range(STAKEHOLDERS)]
        limits = rig.fake.faults.limits
        limits.limit_history(1)
        limits.fail_first_posts(FAIL_ONCE, seed=seed)
        vote_id, project_channel = _open_and_close(rig, channels)
        targets = [*channels, project_channel]
        prefix = f"announcement:{vote_id}:"
        started = time.monotonic()
        votes.close_vote(rig.services, Actor(rig.teams[0], rig.chair), vote_id=vote_id)
        rig.sender.notify()
        wait(lambda: all(keys(rig, c, prefix) for c in targets), 400, every=0.01)
        rig.settle(200)
        elapsed = time.monotonic() - started
        counts = [len(keys(rig, c, prefix)) for c in targets]
        calls = rig.fake.state.calls()
    failed = {
        str(c.params["channel"])
        for c in calls
        if c.method == "chat.postMessage" and c.status >= 500
    }
    # The floor: a post that failed after posting is only known to be there by a look, and the
    # workspace has one look a minute: k such posts take (k - 1) minutes of waiting, after the
    # first failure's backoff (1 s) and its look (a call); every other post goes at once.
    k = len(failed)
    floor = LATENCY + (1 + LATENCY + (k - 1) * 60.0 + 2 * LATENCY if k else 0)
    refused, inside = refusals(calls)
    looks = sum(1 for c in calls if c.method == "conversations.history" and c.ok)
    return [
        kind,
        str(len(targets)),
        str(k),
        f"{elapsed:.1f}",
        f"{floor:.1f}",
        f"{elapsed / floor:.2f}×",
        str(counts.count(1)),
        str(looks),
        str(refused),
        str(inside),
    ]


def run_announcements(options: Options, budget: Budget) -> Result:
    rows, notes = [], []
    for kind in options.databases:
        try:
            rows.append(_announcement_round(kind, options, seed=SEED))
        except DatabaseUnavailable as missing:
            notes.append(f"{kind}: {missing}")
    table = Table(
        "One decision to 11 channels, history 1 call a minute, 30% of posts failing once (5xx)",
        [
            "database",
            "channels",
            "failed once",
            "seconds",
            "floor (s)",
            "× floor",
            "exactly one",
            "looks",
            "429s",
            "calls inside a Retry-After",
        ],
        rows,
    )
    return Result(tables=[table], meaning=[FLOOR_ANNOUNCEMENTS, *notes])


FLOOR_ANNOUNCEMENTS = (
    "Floor: a post answered 5xx may have been posted, so only a look through the channel's "
    "history can tell; the workspace has one look a minute, so k such posts need (k - 1) "
    "minutes after the first one's 1 s backoff and its look. Measured from closing the vote "
    "until every channel has its announcement and nothing is pending; the machine is shared."
)

FIGURE = Figure(
    name="history",
    title="One decision to 11 channels with the history budget and 5xx after posting",
    issue="5/6",
    budget_seconds=300,
    run=run_announcements,
)
