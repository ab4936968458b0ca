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
