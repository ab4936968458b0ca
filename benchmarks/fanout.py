"""Figure 5: the announcement fan-out after a decision, through a rate limit and 429s.

The bot is built in this process as `serve` builds it, with its outbox sender. A project is made
ready with 10 stakeholder channels; the vote opens; then the fake Slack starts enforcing one
message per second per channel and answering 20% of `chat.postMessage` calls with 429
(Retry-After: 1 s), and the three members vote, which closes the vote. Measured: the time from the
closing click until every one of the 11 channels (10 stakeholders and the project channel) has
its announcement, the floor that the rate limit and the 429s set for that, and duplicates.
"""

from __future__ import annotations

import math
import time
from collections import Counter

from benchmarks.figure import Budget, Figure, Options, Result, Table
from benchmarks.harness import (
    BOT_TOKEN,
    DatabaseUnavailable,
    bot_in_process,
    check,
    database,
    workspace,
)
from bot.emulator import FakeSlack, Message
from bot.phases import load_phase

STAKEHOLDERS = 10
FAULT_RATE = 0.2
RETRY_AFTER = 1
ROUNDS = 3


def _announcement_key(message: Message) -> str | None:
    key = str(((message.metadata or {}).get("event_payload") or {}).get("key", ""))
    return key if key.startswith("announcement:") else None


def _one_round(kind: str, options: Options, seed: int) -> tuple[float, float, int, int]:
    """(seconds to the last announcement, floor in seconds, duplicates, 429s answered)."""
    with database(kind, options.workdir) as url, FakeSlack(token=BOT_TOKEN) as fake:
        ws = workspace(fake, 1)
        people = (ws.lead, ws.owner, ws.member)
        channels = [fake.state.add_channel(f"intressent-{n}", members=people) for n in range(10)]
        project = ws.channels[0]
        with bot_in_process(fake, url) as (bot, requester):
            bot.start_background_work()
            phase = load_phase()

            def run(text: str) -> None:
                check(requester.command(text, user_id=ws.lead, channel_id=project), text)

            run("nytt Fan-out")
            for a in phase.activities:
                if not phase.children(a.key):
                    run(f"klar {a.number}")
            for d in phase.milestone.documents:
                run(f"underlag {d.key} <https://intra.kommun.se/{d.key}>")
            # The template needs three ledamöter; the lead sits in the group too.
            run(f"styrgrupp <@{ws.owner}> <@{ws.member}> <@{ws.lead}>")
            run(f"ordförande <@{ws.owner}>")
            run(f"justerare <@{ws.member}>")
            run(f"styrgruppskanal <#{ws.steering_channel}>")
            run("kanaler " + " ".join(f"<#{c}>" for c in channels))
            run("milstolpe 2030-01-15 17:00")
            deadline = time.monotonic() + 30
            while not fake.state.messages(ws.steering_channel) and time.monotonic() < deadline:
                time.sleep(0.02)
            vote = fake.state.messages(ws.steering_channel)[0]
            value = next(
                e["value"]
                for b in vote.blocks
                if b["type"] == "actions"
                for e in b["elements"]
                if e["action_id"] == "vote_yes"
            )
            before = len(fake.state.calls("chat.postMessage"))
            fake.rate_limit_per_channel(1.0)
            fake.fault_rate(
                "chat.postMessage",
                FAULT_RATE,
                statuses=(429,),
                retry_after=RETRY_AFTER,
                seed=seed,
            )
            started = time.monotonic()
            for user in (ws.owner, ws.member, ws.lead):
                requester.click(
                    "vote_yes",
                    user_id=user,
                    channel_id=ws.steering_channel,
                    message_ts=vote.ts,
                    value=value,
                )
            targets = [*channels, project]

            def delivered() -> bool:
                return all(
                    any(_announcement_key(m) for m in fake.state.messages(c)) for c in targets
                )

            deadline = time.monotonic() + 120
            while not delivered() and time.monotonic() < deadline:
                time.sleep(0.01)
            elapsed = time.monotonic() - started
            time.sleep(1.0)  # room for a duplicate to show up, were there one
            keys = Counter(
                k for c in targets for m in fake.state.messages(c) if (k := _announcement_key(m))
            )
            duplicates = sum(n - 1 for n in keys.values())
            calls = fake.state.calls("chat.postMessage")[before:]
            refused = Counter(str(c.params.get("channel")) for c in calls if c.status == 429)
        floor = RETRY_AFTER * retry_after_windows([c.answered for c in calls if c.status == 429])
        return elapsed, float(floor), duplicates, sum(refused.values())


def retry_after_windows(refusals: list[float]) -> int:
    """How many Retry-After windows the 429s answered at these times open one after another.

    With one message per channel the rate limit itself costs nothing. A 429 closes the whole
    workspace for that method until its Retry-After has passed (Slack limits per workspace and
    method), so no post of any channel may go inside it; 429s answered inside an open window
    share it. The windows that follow one another add up: what no sender can beat, given the
    429s Slack gave."""
    windows, closes = 0, -math.inf
    for answered in sorted(refusals):
        if answered >= closes:
            windows += 1
            closes = answered + RETRY_AFTER
    return windows


def run(options: Options, budget: Budget) -> Result:
    rows: list[list[str]] = []
    notes: list[str] = []
    for kind in options.databases:
        for n in range(1 if options.quick else ROUNDS):
            if budget.left < 25:
                notes.append(f"{kind}: round {n + 1} skipped, the budget ran out")
                break
            try:
                elapsed, floor, duplicates, refused = _one_round(kind, options, seed=11 + n)
            except DatabaseUnavailable as missing:
                notes.append(f"{kind}: {missing}")
                break
            rows.append(
                [
                    kind,
                    str(n + 1),
                    f"{elapsed:.2f}",
                    f"{floor:.0f}",
                    f"{elapsed - floor:+.2f}",
                    str(refused),
                    str(duplicates),
                ]
            )
    table = Table(
        "Announcement to 11 channels, 1 msg/s per channel, 20% 429 (Retry-After 1 s)",
        ["database", "round", "seconds", "floor (s)", "over floor", "429s", "duplicates"],
        rows,
    )
    return Result(
        tables=[table],
        meaning=[
            "Floor: one message per channel is within the rate limit; a 429 closes the whole "
            "workspace for chat.postMessage until its Retry-After has passed (Slack's limits "
            "are per workspace and method), so no channel may post inside it, and 429s "
            "answered inside an open window share it. The floor is the Retry-After windows "
            "the round's 429s open one after another, added up (never less than the most "
            "429s one channel got). The sender closes the workspace on a 429 and re-queues "
            "the refused post for its Retry-After; the other channels' posts wait in their "
            "workers' hands or go back to the queue until the window has passed. Every "
            "announcement carries its outbox key in its metadata; duplicates count messages "
            "with the same key (must be 0).",
            *notes,
        ],
    )


FIGURE = Figure(
    name="fanout",
    title="Announcement fan-out to 11 channels under a rate limit and 429s",
    issue="5/8 and 8/8",
    budget_seconds=60,
    run=run,
)
