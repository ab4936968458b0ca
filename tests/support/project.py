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
    running: RunningBot,
    w: Workspace,
    members: list[str],
    chair: str,
    vote_channel: str,
    adjuster: str | None = None,
) -> None:
    """Everything readiness asks: activities, documents, the steering group, its chair and a
    justerare (`adjuster`, by default the first ledamot who is not the chair)."""
    for ref in ("1.1", "1.2", "1.3", "1", "2", "3"):
        run(running, w, f"klar {ref}")
    run(running, w, "ej-aktuell 4 Slutrapport skrivs i nästa fas")
    for key in DOCUMENTS:
        run(running, w, f"underlag {key} <https://intra.kommun.se/{key}>")
    run(running, w, "styrgrupp " + " ".join(f"<@{m}>" for m in members))
    run(running, w, f"ordförande <@{chair}>")
    justerare = adjuster or next(m for m in members if m != chair)
    run(running, w, f"justerare <@{justerare}>")
    run(running, w, f"styrgruppskanal <#{vote_channel}|styrgrupp>")
