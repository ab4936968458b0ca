"""Whose token the outbox takes for a workspace, by its team id alone, on Enterprise Grid.

A workspace's own install first; else the org-wide install of the org the workspace was seen in;
a workspace never seen only by the one org-wide install there is, never by a guess among several.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk.oauth.installation_store import Installation

from bot.services.workspace_orgs import WorkspaceOrgs
from bot.slack.lifecycle import NOT_INSTALLED, NotInstalled
from bot.slack.oauth import InstallationClients, oauth_settings
from storage.db import Database, upgrade

API = "http://127.0.0.1:9/api/"  # nothing is called: no token here rotates


@pytest.fixture
def clients(database_url: str) -> Iterator[InstallationClients]:
    db = Database.from_url(database_url)
    upgrade(db.engine)
    _, authorize = oauth_settings(
        client_id="111.222",
        client_secret="secret",
        engine=db.engine,
        orgs=WorkspaceOrgs(db),
        api_url=API,
        redirect_uri=None,
    )
    yield InstallationClients(authorize, API)
    db.dispose()


def install(clients: InstallationClients, org: str, team: str | None, token: str) -> None:
    clients.store.save(
        Installation(
            app_id="A0001",
            enterprise_id=org,
            team_id=team,
            bot_token=token,
            bot_id="BBOT",
            bot_user_id="UBOT",
            bot_scopes="commands,chat:write",
            user_id="UINSTALLER",
            is_enterprise_install=team is None,
        )
    )


def two_orgs(clients: InstallationClients) -> None:
    """Org-wide installs of E1 and E2, and T1 seen in E1 (T2 in E2)."""
    install(clients, "E1", None, "xoxb-org-1")
    install(clients, "E2", None, "xoxb-org-2")
    clients.orgs.saw("T1", "E1")
    clients.orgs.saw("T2", "E2")


def token(clients: InstallationClients, team: str) -> str | None:
    return clients(team).token


def not_installed(clients: InstallationClients, team: str) -> bool:
    with pytest.raises(NotInstalled) as raised:
        clients(team)
    return raised.value.reason == NOT_INSTALLED


def test_each_workspace_gets_its_own_orgs_token_among_several(
    clients: InstallationClients,
) -> None:
    two_orgs(clients)

    assert token(clients, "T1") == "xoxb-org-1"
    assert token(clients, "T2") == "xoxb-org-2"
    # Never seen, with two orgs: no guess.
    assert not_installed(clients, "T9")


def test_a_workspace_install_of_its_own_comes_before_its_orgs_and_names_the_org(
    clients: InstallationClients,
) -> None:
    two_orgs(clients)
    install(clients, "E3", "T3", "xoxb-T3")

    assert token(clients, "T3") == "xoxb-T3"
    assert clients.orgs.org_of("T3") == "E3"  # the install named it
    install(clients, "E1", "T1", "xoxb-T1")  # a workspace of E1 installs it for itself
    assert token(clients, "T1") == "xoxb-T1"


def test_one_org_wide_install_serves_the_unseen_but_never_another_orgs_workspace(
    clients: InstallationClients,
) -> None:
    two_orgs(clients)
    clients.store.delete_all(enterprise_id="E1", team_id=None)  # E1 uninstalled org-wide

    # One org-wide install is left: a workspace never seen is served by it, there being no
    # other org it could be of...
    assert token(clients, "T9") == "xoxb-org-2"
    # ...but one seen in the org that uninstalled is not served by another org's token.
    assert not_installed(clients, "T1")


def test_the_orgs_bot_row_serves_when_the_installation_rows_went(
    clients: InstallationClients,
) -> None:
    two_orgs(clients)
    # The installer's user token was revoked: Bolt deletes their installation rows only.
    clients.store.delete_installation(enterprise_id="E1", team_id=None, user_id="UINSTALLER")

    assert token(clients, "T1") == "xoxb-org-1"
