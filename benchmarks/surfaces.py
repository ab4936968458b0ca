"""What the load sends: the surfaces whose ack latency is measured, and the project they act on.

A surface is one kind of request Slack sends the bot. To measure another one (the vote click
once the vote is built), write its `send` (and `prepare`, if it needs state such as an open
vote) and append it to `SURFACES`; the ack figure measures it at every concurrency, against
the bare app (which acks commands, actions and views alike), and reports it in its table.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from benchmarks.harness import KeepAliveRequester, Workspace, check
from bot.domain.phase import Phase
from bot.emulator import BotResponse
from bot.phases import load_phase
from messages.ids import ActionId, BlockId

JsonBody = dict[str, Any]
TOGGLED = "2"  # the activity `klar` and `pågår` alternate on, so every request changes it
CHANGED = ":white_check_mark:"  # how a confirmation that changed something begins


@dataclass(frozen=True)
class Surface:
    name: str
    label: str
    # The n-th request of load worker `worker` (each worker acts in a channel of its own).
    send: Callable[[KeepAliveRequester, Workspace, int, int], BotResponse]
    # Whether the bot's reply is the one asked for (and not, say, a refusal, which is faster);
    # None for a button, whose ack has no body (its `prepare` checks that clicks count).
    expect: Callable[[JsonBody], bool] | None
    # Run once against the bot after the projects are seeded, e.g. to open a vote.
    prepare: Callable[[KeepAliveRequester, Workspace], None] | None = None


def _status(requester: KeepAliveRequester, ws: Workspace, worker: int, _n: int) -> BotResponse:
    return requester.command("status", user_id=ws.lead, channel_id=ws.channels[worker])


def _status_shown(body: JsonBody) -> bool:
    return any(b.get("block_id") == BlockId.STATUS_READINESS for b in body.get("blocks", []))


def _done_or_doing(
    requester: KeepAliveRequester, ws: Workspace, worker: int, n: int
) -> BotResponse:
    # Seeded as in progress: even requests finish it, odd ones reopen it.
    verb = "klar" if n % 2 == 0 else "pågår"
    return requester.command(f"{verb} {TOGGLED}", user_id=ws.lead, channel_id=ws.channels[worker])


def _changed(body: JsonBody) -> bool:
    return str(body.get("text", "")).startswith(CHANGED)


STATUS = Surface(
    "status", "`/forvaltning status`, every activity filled in", _status, _status_shown
)
MARK = Surface(
    "klar",
    "`/forvaltning klar 2` / `pågår 2`, alternating (each one a change)",
    _done_or_doing,
    _changed,
)
# The vote click: in each worker's project a vote is open (its chair never votes, so it stays
# open), and the member alternates Godkänn and Avslå, so every click changes a ballot.
VOTES: dict[str, tuple[str, str]] = {}  # project channel → (vote id, the vote's channel)


def _prepare_votes(requester: KeepAliveRequester, ws: Workspace) -> None:
    phase = load_phase()
    # Leaves first, then the parents that follow them: everything done, so the vote may open.
    order = [a for a in phase.activities if not phase.children(a.key)]
    order += [a for a in phase.activities if phase.children(a.key)]
    people = (ws.lead, ws.owner, ws.member)
    # A vote channel per project: Slack (and the sender) post one message a second per channel.
    boards = {c: ws.fake.state.add_channel(f"styrgrupp-{c}", members=people) for c in ws.channels}

    def one(channel: str) -> None:
        commands = [f"klar {a.number}" for a in order]
        commands += [f"styrgruppskanal <#{boards[channel]}>", "milstolpe 2030-01-15 17:00"]
        # Back to how the seed left it, so the `klar`/`pågår` surface changes it every time.
        commands.append(f"pågår {TOGGLED}")
        for text in commands:
            check(requester.command(text, user_id=ws.lead, channel_id=channel), text)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(one, ws.channels))
    deadline = time.monotonic() + 60
    for channel, board in boards.items():
        while not ws.fake.state.messages(board):
            if time.monotonic() > deadline:
                raise RuntimeError("the vote messages were not posted")
            time.sleep(0.05)
        message = ws.fake.state.messages(board)[0]
        value = next(
            e["value"]
            for b in message.blocks
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"] == ActionId.VOTE_YES
        )
        VOTES[channel] = (value, board)


def _vote_click(requester: KeepAliveRequester, ws: Workspace, worker: int, n: int) -> BotResponse:
    action = ActionId.VOTE_YES if n % 2 == 0 else ActionId.VOTE_NO
    vote_id, board = VOTES[ws.channels[worker]]
    return requester.block_action(
        user_id=ws.member, action_id=action.value, value=vote_id, channel_id=board
    )


VOTE = Surface(
    "vote",
    "a vote click (Godkänn / Avslå, alternating: each one changes the ballot)",
    _vote_click,
    None,
    prepare=_prepare_votes,
)
SURFACES: list[Surface] = [STATUS, MARK, VOTE]


def seed_commands(ws: Workspace, channel: str, index: int, phase: Phase) -> list[str]:
    """Every activity with an owner, a due date and a status (notes too), every document
    linked, a steering group with a chair, a vote channel and stakeholder channels."""
    owner = f"<@{ws.owner}|erik>"
    commands = [f"nytt Anslutningsprojekt {index}"]
    commands += [f"ansvarig {a.number} {owner}" for a in phase.activities]
    commands += [
        f"datum {a.number} 2027-{1 + i % 12:02d}-{10 + i % 18:02d}"
        for i, a in enumerate(phase.activities)
    ]
    statuses = [
        ("klar", "Beslutad i nämnden"),
        ("pågår", "Avtal på remiss"),
        ("ej-aktuell", "Ingen samverkanspart"),
        ("blockerad", "Väntar på leverantör"),
        ("klar", "Skriven och granskad"),
    ]
    leaves = [a for a in phase.activities if not phase.children(a.key) and a.number != TOGGLED]
    commands += [
        f"{verb} {a.number} {note}"
        for a, (verb, note) in zip(leaves, itertools.cycle(statuses), strict=False)
    ]
    commands.append(f"pågår {TOGGLED} Överlämning planerad")
    commands += [
        f"underlag {d.key} <https://intra.kommun.se/{d.key}|{d.name.sv}>"
        for d in phase.milestone.documents
    ]
    commands += [
        f"styrgrupp <@{ws.owner}|erik> <@{ws.member}|sara> <@{ws.lead}|anna>",
        f"ordförande <@{ws.owner}|erik>",
        f"justerare <@{ws.member}|sara>",
        f"styrgruppskanal <#{ws.steering_channel}|styrgrupp>",
        f"kanaler <#{channel}> <#{ws.steering_channel}>",
    ]
    return commands


def seed(
    requester: KeepAliveRequester,
    ws: Workspace,
    surfaces: Sequence[Surface],
    *,
    phase: Phase | None = None,
    channels: Sequence[int] | None = None,
) -> int:
    """A project in each of the workspace's channels (or those numbered in `channels`),
    seeded in parallel; returns the number of requests sent."""
    template = phase or load_phase()

    def one(index: int) -> int:
        channel = ws.channels[index]
        commands = seed_commands(ws, channel, index, template)
        for text in commands:
            response = requester.command(text, user_id=ws.lead, channel_id=channel)
            if text.startswith("nytt"):
                check(response, text, lambda b: b.get("response_type") == "in_channel")
            else:
                check(response, text, _changed)
        return len(commands)

    with ThreadPoolExecutor(max_workers=8) as pool:
        sent = sum(pool.map(one, range(len(ws.channels)) if channels is None else channels))
    for surface in surfaces:
        if surface.prepare is not None:
            surface.prepare(requester, ws)
    return sent
