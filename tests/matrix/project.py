"""A project on Matrix brought to its milestone, and what the tests listen for."""

from __future__ import annotations

import inspect
import secrets
from collections.abc import Callable, Sequence

from tests.matrix.people import Person, Said, room
from tests.support.project import DOCUMENTS


def says(text: str, where: str | None = None) -> Callable[[Said], bool]:
    return lambda s: text in s.body and (where is None or s.room == where)


def confirmed(s: Said) -> bool:
    return s.body.startswith("✅")


async def ready(anna: Person, bot_id: str, project: str, lines: list[str]) -> None:
    """Anna brings the project to the milestone: every activity finished, every document."""
    commands = [f"klar {ref}" for ref in ("1.1", "1.2", "1.3", "2", "3")]
    commands.append("ej-aktuell 4 Slutrapport skrivs i nästa fas")
    commands += [f"underlag {key} https://intra.kommun.se/{key}" for key in DOCUMENTS]
    for line in commands + lines:
        await anna.say(project, f"!forvaltning {line}")
        answer = await anna.hears(lambda s: s.room != project, sender=bot_id)
        assert answer.body.startswith(("✅", "ℹ️")), (line, answer.body)


async def vote_open(
    anna: Person,
    bot_id: str,
    members: list[Person],
    steering: str,
    before_the_vote: Callable[[str], object] | None = None,
    lines: Sequence[str] = (),
) -> Said:
    """A project of Anna's, ready, with `members` (the first the chair, the second justerare),
    voting in `steering`; the vote message as the chair sees it. `before_the_vote`: called with
    the project's room just before the milestone opens (awaited if it is a coroutine);
    `lines`: more commands before it."""
    project = await room(anna, "Projektet", [bot_id])
    for member in members:
        await member.sync()
    await anna.say(project, f"!forvaltning nytt Projekt {secrets.token_hex(3)}")
    await anna.hears(lambda s: s.room == project, sender=bot_id)
    ids = " ".join(m.user_id for m in members)
    setup = [
        f"styrgrupp {ids}",
        f"ordförande {members[0].user_id}",
        f"justerare {members[1].user_id}",
        f"styrgruppskanal {steering}",
        *lines,
    ]
    await ready(anna, bot_id, project, setup)
    if before_the_vote is not None:
        done = before_the_vote(project)
        if inspect.isawaitable(done):  # a step on Matrix (a kick) is a coroutine
            await done
    await anna.say(project, "!forvaltning milstolpe")
    return await members[0].hears(says("rösta ja", steering), sender=bot_id)
