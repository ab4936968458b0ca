"""Slack Connect and Enterprise Grid over signed HTTP: whose workspace a request is for.

The payload shapes are Slack's as Bolt's own tests hold them (slackapi/bolt-python):
- a dialog opened in a visitor's workspace through a Slack Connect channel has `team` and
  `view.team_id` of the visitor's workspace and `view.app_installed_team_id` of the one the app
  is installed in (tests/scenario_tests/test_view_submission.py; Bolt's `extract_team_id` in
  slack_bolt/request/internals.py reads `app_installed_team_id` first);
- Grid payloads carry `enterprise_id` / `enterprise: {id}` and `W…` user ids
  (test_view_submission.py, test_events_org_apps.py);
- on an org-wide install (`is_enterprise_install: true`) an event's `authorizations` name the
  org with `team_id: null` (test_events_org_apps.py), an interaction's `team` is null (Bolt's
  comment in `extract_team_id`: "With org-wide installations, payload.team in interactivity
  payloads can be None"; tests/slack_bolt/request/test_request.py's
  test_org_wide_installations_block_actions: `team: null`, `user.team_id` the workspace), and
  oauth.v2.access answers `team: null`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.emulator import Message, Origin, SlackRequester
from bot.emulator.calls import ApiCall
from bot.emulator.state import WorkspaceState
from bot.wiring import Bot
from storage.models import OutboxEvent
from tests.e2e.support import activity_ids, statuses
from tests.support.bot import SIGNING_SECRET, RunningBot, Workspace, run
from tests.support.oauth import install, serving_oauth_bot
from tests.support.waiting import eventually


@pytest.fixture
def oauth_bot(workspace: Workspace, database_url: str) -> Iterator[Bot]:
    with serving_oauth_bot(workspace, database_url) as bot:
        yield bot


def reminder_to(w: Workspace, user: str) -> Message:
    """The reminder DM `user` got (with its buttons)."""
    found = eventually(
        lambda: [m for m in w.fake.state.dms_to(user) if "activity_done" in str(m.blocks)]
    )
    assert found, "no reminder DM arrived"
    return found[-1]


def test_a_visitor_from_another_organisation_acts_in_the_installed_workspace(
    start_bot: Callable[[], RunningBot], workspace: Workspace
) -> None:
    running, w, state = start_bot(), workspace, workspace.fake.state
    visitor_team = state.add_team("Grannkommunen", team_id="T0GRANNE").id
    kim = state.add_user("kim")  # of Grannkommunen, in our shared project channel
    connect = Origin(team_id=state.team.id, user_team_id=visitor_team)
    run(running, w, "nytt Kommunen X")
    run(running, w, f"ansvarig 1.2 <@{kim}|kim>")
    run(running, w, "påminn")
    dm = reminder_to(w, kim)
    ids = activity_ids(running)

    # A button in the shared channel's DM: `team` is ours, `user.team_id` Grannkommunen's.
    clicked = running.slack.click(
        "activity_blocked",
        user_id=kim,
        channel_id=dm.channel,
        message_ts=dm.ts,
        value=str(ids["driftavtal"]),
        origin=connect,
    )
    assert clicked.status == 200
    assert eventually(lambda: state.modals(kim))
    # The dialog was opened in Kim's workspace: its `team` is theirs, and only
    # `view.app_installed_team_id` names ours, where the project is.
    submitted = running.slack.submit(
        user_id=kim, values={"reason": {"reason_text": "Väntar på avtal"}}, origin=connect
    )
    assert submitted.status == 200
    assert submitted.json is None, submitted.text  # no refusal in the dialog
    assert statuses(running)["driftavtal"] == "blocked"


def test_a_grid_workspace_install_with_w_users(oauth_bot: Bot, workspace: Workspace) -> None:
    w, state = workspace, workspace.fake.state
    region = state.add_team("Regionen", enterprise_id="E0GRID").id
    wilma = state.add_user("wilma", user_id="W0WILMA")
    wille = state.add_user("wille", user_id="W0WILLE", locale="en-US")
    install(oauth_bot.server.url, region)
    slack = SlackRequester(oauth_bot.server.url, SIGNING_SECRET, w.fake)
    grid = Origin(team_id=region, enterprise_id="E0GRID")

    created = slack.command(
        "nytt Regionen", user_id=wilma, channel_id=w.project_channel, origin=grid
    )
    assert "Regionen" in created.json["text"]
    slack.command(
        f"ansvarig 1.2 <@{wille}>", user_id=wilma, channel_id=w.project_channel, origin=grid
    )
    assert eventually(lambda: state.dms_to(wille))
    # Sent with the Grid workspace's own token, found by its team.
    posts = [c for c in state.calls("chat.postMessage") if c.ok]
    assert posts and {c.team_id for c in posts} == {region}

    # Uninstalled from the Grid workspace: its install (stored under the org) is gone.
    state.uninstall(region)
    assert slack.app_uninstalled(origin=grid).status == 200
    gone = slack.command("status", user_id=wilma, channel_id=w.project_channel, origin=grid)
    assert "Regionen" not in gone.text
    assert eventually(lambda: any("reinstall" in str(p.body) for p in state.response_posts()))


def test_an_org_wide_install_serves_every_workspace_of_the_org(
    oauth_bot: Bot, workspace: Workspace
) -> None:
    w, state = workspace, workspace.fake.state
    state.org_wide.add("E0ORG")
    first = state.add_team("Förvaltning", enterprise_id="E0ORG").id
    other = state.add_team("Socialtjänsten", enterprise_id="E0ORG").id
    wilma = state.add_user("wilma", user_id="W0WILMA")
    wille = state.add_user("wille", user_id="W0WILLE", locale="en-US")
    install(oauth_bot.server.url, first)  # an org admin installs it for the whole org
    slack = SlackRequester(oauth_bot.server.url, SIGNING_SECRET, w.fake)
    org = Origin(team_id=other, enterprise_id="E0ORG", is_enterprise_install=True)

    # A workspace nobody installed to: Bolt authorizes by the org.
    created = slack.command(
        "nytt Socialtjänsten", user_id=wilma, channel_id=w.project_channel, origin=org
    )
    assert "Socialtjänsten" in created.json["text"]
    slack.command(
        f"ansvarig 1.2 <@{wille}>", user_id=wilma, channel_id=w.project_channel, origin=org
    )
    slack.command("påminn", user_id=wilma, channel_id=w.project_channel, origin=org)
    dm = reminder_to(w, wille)

    # The reminder's button: `team` is null; the workspace is the user's, as Bolt resolves it.
    running = RunningBot(oauth_bot, slack)
    activity = activity_ids(running)["driftavtal"]
    clicked = slack.click(
        "activity_done",
        user_id=wille,
        channel_id=dm.channel,
        message_ts=dm.ts,
        value=str(activity),
        origin=org,
    )
    assert clicked.status == 200
    assert eventually(lambda: statuses(running)["driftavtal"] == "done")

    # An event of the org-wide install names no team in `authorizations`: the Home tab is
    # still drawn for the workspace in the envelope.
    assert slack.app_home_opened(wille, origin=org).status == 200
    assert eventually(lambda: state.home_view(wille))


@dataclass(frozen=True)
class Org:
    """A Grid org with the app installed org-wide from one workspace, and a project in another
    workspace of the org that nobody installed to, with its own people and channel."""

    id: str
    installed_from: str
    workspace: str
    lead: str
    owner: str
    channel: str

    @property
    def origin(self) -> Origin:
        return Origin(team_id=self.workspace, enterprise_id=self.id, is_enterprise_install=True)


def grid_org(state: WorkspaceState, org: str, name: str) -> Org:
    state.org_wide.add(org)
    installed_from = state.add_team(f"{name} IT", enterprise_id=org).id
    workspace = state.add_team(f"{name} förvaltning", enterprise_id=org).id
    lead = state.add_user(f"{name} lead", user_id=f"W0{org}L", team_id=workspace)
    owner = state.add_user(f"{name} owner", user_id=f"W0{org}O", team_id=workspace)
    # Its people and channel are the workspace's: another org's token finds none of them.
    channel = state.add_channel(f"{name}-projekt", members=[lead, owner], team_id=workspace)
    return Org(org, installed_from, workspace, lead, owner, channel)


def org_reached(state: WorkspaceState, call: ApiCall) -> str | None:
    """The org of the workspace a post went to (a DM's person's, or the channel's)."""
    target = str(call.params.get("channel"))
    person = state.users.get(target)
    team = person.team_id if person is not None else state.channels[target].team_id
    return state.teams[team].enterprise_id if team else None


def token_org(state: WorkspaceState, call: ApiCall) -> str | None:
    grant = state.grant_of(call.token or "")
    return None if grant is None else grant.org_wide_in


def test_org_wide_installs_of_two_orgs_each_deliver_with_their_own_token(
    oauth_bot: Bot, workspace: Workspace
) -> None:
    w, state = workspace, workspace.fake.state
    orgs = [grid_org(state, "E0NORR", "Norr"), grid_org(state, "E0SODR", "Soder")]
    for org in orgs:
        install(oauth_bot.server.url, org.installed_from)  # each org's admin, for the org
    slack = SlackRequester(oauth_bot.server.url, SIGNING_SECRET, w.fake)

    def command(org: Org, text: str) -> None:
        answer = slack.command(text, user_id=org.lead, channel_id=org.channel, origin=org.origin)
        assert answer.status == 200, answer.text

    for org in orgs:
        command(org, f"nytt Projekt {org.id}")
        command(org, f"ansvarig 1.2 <@{org.owner}>")
        command(org, "påminn")
    for org in orgs:
        reminder_to(w, org.owner)

    # Every post went to a workspace of one org, with that org's org-wide token, and Slack
    # (as strict as the real one: another org's token finds no channel) refused nothing.
    posts = state.calls("chat.postMessage")
    assert posts and all(c.ok for c in posts), [c.error for c in posts if not c.ok]
    assert {org_reached(state, c) for c in posts} == {"E0NORR", "E0SODR"}
    assert all(token_org(state, c) == org_reached(state, c) for c in posts)
    assert len({c.token for c in posts}) == 2
    refused = ("channel_not_found", "user_not_found", "not_in_channel")
    assert [c for c in state.calls() if c.error in refused] == []

    # Norr's org admin removes the app while a DM there waits (Slack keeps failing it): the
    # event names the org and no team, and is delivered for the workspace installed from.
    norr, soder = orgs
    w.fake.inject("chat.postMessage", status=500, times=10_000)
    command(norr, f"ansvarig 2 <@{norr.owner}>")
    assert eventually(lambda: pending(oauth_bot, norr.workspace))
    state.uninstall_org(norr.id)
    uninstalled = Origin(
        team_id=norr.installed_from, enterprise_id=norr.id, is_enterprise_install=True
    )
    assert slack.app_uninstalled(origin=uninstalled).status == 200
    # What waited in the org's other workspace failed with the reason, at once.
    assert eventually(lambda: not pending(oauth_bot, norr.workspace))
    assert failed(oauth_bot, norr.workspace) == {"app uninstalled"}
    w.fake.faults.clear()

    # Söder's install is untouched: its DMs still go out, with its token.
    sent_before = len(state.calls("chat.postMessage"))
    command(soder, f"ansvarig 2 <@{soder.owner}>")
    assert eventually(lambda: len(state.calls("chat.postMessage")) > sent_before)
    later = state.calls("chat.postMessage")[sent_before:]
    assert later and all(c.ok and token_org(state, c) == soder.id for c in later)


def pending(bot: Bot, team_id: str) -> list[str]:
    with bot.db.session() as session:
        rows = session.execute(
            select(col(OutboxEvent.kind)).where(
                col(OutboxEvent.team_id) == team_id, col(OutboxEvent.status) == "pending"
            )
        )
        return list(rows.scalars())


def failed(bot: Bot, team_id: str) -> set[str | None]:
    with bot.db.session() as session:
        rows = session.execute(
            select(col(OutboxEvent.last_error)).where(
                col(OutboxEvent.team_id) == team_id, col(OutboxEvent.status) == "failed"
            )
        )
        return set(rows.scalars())
