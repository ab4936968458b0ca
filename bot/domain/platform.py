"""Which chat platform a team lives on, told by its id alone.

A Slack workspace's id is Slack's (`T0123…`); a Matrix "team" is the bot's homeserver,
`matrix:<server_name>`. So the team scoping every query already has keeps the platforms apart
(a project, its people and its rooms belong to one), and the sender, the audit log and the
record read the platform off the team id without another column.
"""

from __future__ import annotations

from enum import StrEnum

MATRIX_PREFIX = "matrix:"


class Platform(StrEnum):
    SLACK = "slack"
    MATRIX = "matrix"


def platform_of(team_id: str) -> Platform:
    return Platform.MATRIX if team_id.startswith(MATRIX_PREFIX) else Platform.SLACK


def matrix_team(user_id: str) -> str:
    """The team of a Matrix bot: its homeserver's name, from its user id `@bot:server`."""
    _, sep, server = user_id.partition(":")
    if not sep or not server or not user_id.startswith("@"):
        raise ValueError(f"not a Matrix user id: {user_id!r}")
    return MATRIX_PREFIX + server
