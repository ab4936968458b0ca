"""A project brought to where its steering group can vote at Milstolpe VII."""

from __future__ import annotations

from tests.support.bot import RunningBot, Workspace, run

DOCUMENTS = (
    "forvaltningsplan",
    "samverkansavtal",
    "driftplan",
    "effekthemtagningsplan",
    "slutrapport",
)


def ready_the_project(
    running: RunningBot, w: Workspace, members: list[str], chair: str, vote_channel: str
) -> None:
    for ref in ("1.1", "1.2", "1.3", "1", "2", "3"):
        run(running, w, f"klar {ref}")
    run(running, w, "ej-aktuell 4 Slutrapport skrivs i nästa fas")
    for key in DOCUMENTS:
        run(running, w, f"underlag {key} <https://intra.kommun.se/{key}>")
    run(running, w, "styrgrupp " + " ".join(f"<@{m}>" for m in members))
    run(running, w, f"ordförande <@{chair}>")
    run(running, w, f"styrgruppskanal <#{vote_channel}|styrgrupp>")
