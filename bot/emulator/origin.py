"""Where a request to the bot comes from: the fake's own team, another workspace, a visitor
of another organisation in a Slack Connect channel, or an Enterprise Grid org."""

from __future__ import annotations

from dataclasses import dataclass

from bot.emulator.server import FakeSlack


@dataclass(frozen=True)
class Origin:
    """Where Slack says a request comes from, when not from the fake's own team.

    `team_id`: the workspace the app is installed in and the request is for. `user_team_id`:
    the acting person's own workspace, another organisation's in a Slack Connect channel.
    `enterprise_id`: the Grid org; `is_enterprise_install`: the app is installed org-wide, so
    `authorizations` and an interaction's `team` name no team. The shapes follow Slack's
    payloads as Bolt's tests hold them (slackapi/bolt-python tests/scenario_tests/
    test_events_shared_channels.py, test_events_org_apps.py, test_view_submission.py).
    """

    team_id: str | None = None
    user_team_id: str | None = None
    enterprise_id: str | None = None
    is_enterprise_install: bool = False

    def team(self, fake: FakeSlack) -> str:
        return self.team_id or fake.state.team.id

    def user_team(self, fake: FakeSlack) -> str:
        return self.user_team_id or self.team(fake)

    @property
    def connect(self) -> bool:
        """A person of another organisation, in a channel shared with it."""
        return self.user_team_id is not None and self.user_team_id != self.team_id


HOME = Origin()


def grid_fields(origin: Origin) -> dict[str, str]:
    if origin.enterprise_id is None:
        return {}
    return {"enterprise_id": origin.enterprise_id, "enterprise_name": f"Org {origin.enterprise_id}"}
