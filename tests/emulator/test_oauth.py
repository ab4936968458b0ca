"""The fake's several workspaces: install codes, oauth.v2.access, rotation, per-team tokens."""

import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.emulator import FakeSlack


def exchange(fake: FakeSlack, **params: str) -> dict[str, object]:
    anonymous = WebClient(base_url=fake.api_url, timeout=5)
    response = anonymous.oauth_v2_access(client_id="cid", client_secret="secret", **params)
    return dict(response.data)  # type: ignore[arg-type]


def test_a_code_installs_a_team_whose_token_works_and_is_recorded(fake: FakeSlack) -> None:
    team = fake.state.add_team("Kommunen B")
    installed = exchange(fake, code=fake.issue_code(team.id))

    assert installed["team"] == {"id": team.id, "name": "Kommunen B"}
    assert installed["token_type"] == "bot" and "refresh_token" not in installed
    token = str(installed["access_token"])
    answer = WebClient(token=token, base_url=fake.api_url, timeout=5).auth_test()
    assert answer["team_id"] == team.id
    assert fake.state.calls("auth.test")[-1].team_id == team.id
    # The default token still speaks for the default team.
    default = WebClient(token="xoxb-test", base_url=fake.api_url, timeout=5).auth_test()
    assert default["team_id"] == fake.state.team.id


def test_a_code_works_once(fake: FakeSlack) -> None:
    code = fake.issue_code(fake.state.team.id)
    exchange(fake, code=code)
    with pytest.raises(SlackApiError, match="invalid_code"):
        exchange(fake, code=code)


def test_rotation_refreshes_and_expired_tokens_are_refused(fake: FakeSlack) -> None:
    now = [1_000_000.0]
    fake.state._clock = lambda: now[0]  # a clock the test moves
    fake.state.token_rotation = True
    fake.state.token_lifetime = 60
    installed = exchange(fake, code=fake.issue_code(fake.state.team.id))
    assert installed["expires_in"] == 60
    old = str(installed["access_token"])

    refreshed = exchange(
        fake, grant_type="refresh_token", refresh_token=str(installed["refresh_token"])
    )
    new = str(refreshed["access_token"])
    assert new != old
    now[0] += 61
    with pytest.raises(SlackApiError, match="invalid_auth"):
        WebClient(token=old, base_url=fake.api_url, timeout=5).auth_test()
    with pytest.raises(SlackApiError, match="invalid_refresh_token"):
        exchange(fake, grant_type="refresh_token", refresh_token="xoxe-1-nonsense")


def test_authorize_page_redirects_with_a_code_for_the_named_team(fake: FakeSlack) -> None:
    team = fake.state.add_team("Kommunen C")
    fake.state.redirect_uri = "http://127.0.0.1:9/slack/oauth_redirect"

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    url = f"{fake.authorize_url}?{urlencode({'team': team.id, 'state': 's1'})}"
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(url, timeout=5)
    assert redirect.value.code == 302
    location = urlsplit(redirect.value.headers["Location"])
    assert location.path == "/slack/oauth_redirect"
    query = parse_qs(location.query)
    assert query["state"] == ["s1"]
    assert exchange(fake, code=query["code"][0])["team"] == {"id": team.id, "name": "Kommunen C"}


def test_org_wide_installs_of_two_orgs_reach_their_own_org_and_no_other(fake: FakeSlack) -> None:
    """As Slack: an org-wide token acts in every workspace of its org, and in another org's it
    finds neither the channel nor the person (channel_not_found, user_not_found)."""
    state = fake.state
    state.org_wide.update({"E0NORR", "E0SODR"})
    north = [state.add_team(n, enterprise_id="E0NORR").id for n in ("Norr 1", "Norr 2")]
    south = state.add_team("Söder", enterprise_id="E0SODR").id
    granted = {
        org: exchange(fake, code=fake.issue_code(team))
        for org, team in (("E0NORR", north[0]), ("E0SODR", south))
    }
    assert all(g["team"] is None and g["is_enterprise_install"] for g in granted.values())
    tokens = {org: str(g["access_token"]) for org, g in granted.items()}
    assert tokens["E0NORR"] != tokens["E0SODR"]
    north_channel = state.add_channel("projekt", team_id=north[1])
    south_channel = state.add_channel("projekt", team_id=south)
    south_person = state.add_user("sune", user_id="W0SUNE", team_id=south)
    norr = WebClient(token=tokens["E0NORR"], base_url=fake.api_url, timeout=5)

    # In a workspace of its org that nobody installed to: the org-wide token works.
    assert norr.chat_postMessage(channel=north_channel, text="hej")["ok"]
    assert state.calls("chat.postMessage")[-1].token == tokens["E0NORR"]
    for channel in (south_channel, south_person):
        with pytest.raises(SlackApiError, match="channel_not_found"):
            norr.chat_postMessage(channel=channel, text="hej")
    with pytest.raises(SlackApiError, match="user_not_found"):
        norr.users_info(user=south_person)
    south_client = WebClient(token=tokens["E0SODR"], base_url=fake.api_url, timeout=5)
    assert south_client.chat_postMessage(channel=south_person, text="hej")["ok"]

    # The org's admin removes the org-wide install: its token opens no door anywhere.
    state.uninstall_org("E0NORR")
    with pytest.raises(SlackApiError, match="invalid_auth"):
        norr.chat_postMessage(channel=north_channel, text="hej")
    assert south_client.chat_postMessage(channel=south_channel, text="hej")["ok"]
