"""The adapter's pure parts, without a homeserver: how Matrix writes a command, how a message
looks in Matrix, what a homeserver's error means to the sender, where an event is routed."""

from __future__ import annotations

import pytest
from mautrix.errors import MForbidden

from bot.commands import SetChannels, SetOwner, SetSteering
from bot.domain.platform import Platform, matrix_team, platform_of
from bot.matrix.client import RateLimited, outcome, txn_id
from bot.matrix.deliveries import BY_KIND
from bot.matrix.dialect import command_text, parse
from bot.outbox import Attempt, Failed, Retry
from bot.outbox.routing import routed
from bot.services import outbox_events as out
from bot.services.outbox_events import OutboxKind, id_in_key
from messages.help import help_message
from messages.matrix import mrkdwn_html, mrkdwn_plain, notice, rooms_in
from messages.message import Message

ROOM_V12 = "!OMWeWb4oto73RA1_ockCEGDtmKcTo5PZjou7CaemQe0"


@pytest.mark.parametrize(
    ("body", "html", "expected"),
    [
        ("!forvaltning status", None, "status"),
        ("!Forvaltning  hjälp ", None, "hjälp"),
        ("hej !forvaltning status", None, None),
        (
            "!forvaltning ansvarig 1.2 Anna",
            '!forvaltning ansvarig 1.2 <a href="https://matrix.to/#/@anna:example.org">Anna</a>',
            "ansvarig 1.2 @anna:example.org",
        ),
        ("!forvaltning nytt A &amp; B", "!forvaltning nytt A &amp; B", "nytt A & B"),
    ],
)
def test_a_command_is_read_from_the_html_body_pills_as_ids(
    body: str, html: str | None, expected: str | None
) -> None:
    assert command_text(body, html) == expected


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("ansvarig 1.2 @anna:example.org", SetOwner("1.2", "@anna:example.org")),
        ("styrgrupp @a:x.se, @b:x.se", SetSteering(("@a:x.se", "@b:x.se"))),
        (f"kanaler #forvaltning:x.se {ROOM_V12}", SetChannels(("#forvaltning:x.se", ROOM_V12))),
        ("kanaler !abc:x.se", SetChannels(("!abc:x.se",))),
    ],
)
def test_matrix_ids_and_rooms_of_every_room_version(text: str, command: object) -> None:
    assert parse(text) == command


def test_mrkdwn_becomes_html_with_pills_and_plain_text_with_ids() -> None:
    text = "*Kommunen X* ägs av <@@anna:x.se> i <#!abc:x.se>: <https://x.se/a_b|plan> &lt;b&gt;"
    assert mrkdwn_html(text) == (
        '<b>Kommunen X</b> ägs av <a href="https://matrix.to/#/@anna:x.se">@anna:x.se</a> i '
        '<a href="https://matrix.to/#/!abc:x.se">!abc:x.se</a>: '
        '<a href="https://x.se/a_b">plan</a> &lt;b&gt;'
    )
    assert (
        mrkdwn_plain(text)
        == "Kommunen X ägs av @anna:x.se i !abc:x.se: plan (https://x.se/a_b) <b>"
    )


def test_what_a_person_wrote_stays_text_in_the_html() -> None:
    # The render functions escape & < > in what people typed; the HTML keeps it escaped.
    html = mrkdwn_html("_&lt;script&gt;alert(1)&lt;/script&gt;_ &amp; <@@a:x.se>")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_rate_limit_is_a_retry_at_the_homeservers_wait() -> None:
    retry = outcome(RateLimited("Too Many Requests", 1500))
    assert isinstance(retry, Retry) and retry.after == 1.5 and not retry.doubt


def test_a_room_the_bot_may_not_post_in_is_a_failure_to_tell_the_lead() -> None:
    failed = outcome(MForbidden(403, "not in room"))
    assert isinstance(failed, Failed) and failed.private


def test_one_outbox_key_is_one_transaction_id() -> None:
    assert txn_id("announcement:1:!abc:x.se") == txn_id("announcement:1:!abc:x.se")
    assert txn_id("announcement:1:!abc:x.se") != txn_id("announcement:1:!def:x.se")


def test_each_event_goes_to_its_teams_platform() -> None:
    reached: list[tuple[str, str]] = []

    def delivery(platform: str) -> object:
        return lambda attempt: reached.append((platform, attempt.team_id))

    deliveries = routed(
        {
            Platform.SLACK: {OutboxKind.VOTE_MESSAGE: delivery("slack")},  # type: ignore[dict-item]
            Platform.MATRIX: {OutboxKind.VOTE_MESSAGE: delivery("matrix")},  # type: ignore[dict-item]
        }
    )
    team = matrix_team("@forvaltningsbot:kommun.se")
    for team_id in ("T0SLACK", team):
        deliveries[OutboxKind.VOTE_MESSAGE](attempt(team_id))
    assert reached == [("slack", "T0SLACK"), ("matrix", "matrix:kommun.se")]
    assert platform_of(team) is Platform.MATRIX
    with pytest.raises(Failed):
        deliveries[OutboxKind.ANNOUNCEMENT](attempt(team))


def attempt(team_id: str) -> Attempt:
    return Attempt(
        key="k",
        kind=OutboxKind.VOTE_MESSAGE,
        team_id=team_id,
        target="x",
        number=1,
        in_doubt=False,
        data={"vote": 1},
        posting=lambda: None,
    )


def test_the_command_is_named_as_matrix_writes_it() -> None:
    shown = notice(Message(text="Skapa ett med `/forvaltning nytt Kommunen X`."))
    assert "`!forvaltning nytt Kommunen X`" in shown.body
    assert "<code>!forvaltning nytt Kommunen X</code>" in shown.html


def test_every_outbox_kind_has_a_matrix_delivery() -> None:
    # A kind without one fails on Matrix with "no matrix delivery", however well Slack does.
    assert set(BY_KIND) == set(OutboxKind)


def test_a_reaction_finds_its_question_in_the_key_of_the_message_reacted_to() -> None:
    assert id_in_key(OutboxKind.JUSTERING, out.justering("m", 7, 2, "@s:x").key) == 7
    assert id_in_key(OutboxKind.JUSTERING, out.justering_reminder("m", 7, 2, "@s:x").key) == 7
    assert id_in_key(OutboxKind.JAV_RULING, out.jav_ruling("m", 12, "@s:x").key) == 12
    assert id_in_key(OutboxKind.JUSTERING, out.jav_ruling("m", 12, "@s:x").key) is None
    assert id_in_key(OutboxKind.JUSTERING, "justering:x:1") is None


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_help_is_written_for_the_platform_it_is_read_on(lang: str) -> None:
    matrix = notice(help_message(lang, platform=Platform.MATRIX))
    slack = help_message(lang)
    vote, language = ("rösta ja", "språk sv") if lang == "sv" else ("vote yes", "language sv")
    assert f"!forvaltning {vote}" in matrix.body and f"!forvaltning {language}" in matrix.body
    assert "Slack" not in matrix.body and "/forvaltning" not in matrix.body
    assert "Element" in matrix.body
    assert "/forvaltning" in slack.text and vote not in slack.text and "Slack" in str(slack.blocks)
    # Every subcommand is in the help, on both platforms.
    justera = "justera" if lang == "sv" else "approve-minutes"
    assert f"!forvaltning {justera}" in matrix.body and f"/forvaltning {justera}" in slack.text


def test_a_room_is_shown_by_its_name_and_linked_by_its_id() -> None:
    message = Message(text="Omröstningen är öppen i <#!abc:x.se> till fredag; se <#!def:x.se>.")
    assert rooms_in(message) == {"!abc:x.se", "!def:x.se"}
    shown = notice(message, names={"!abc:x.se": "Styrgruppen <i>"})
    assert shown.body == "Omröstningen är öppen i Styrgruppen <i> till fredag; se !def:x.se."
    assert '<a href="https://matrix.to/#/!abc:x.se">Styrgruppen &lt;i&gt;</a>' in shown.html
    assert '<a href="https://matrix.to/#/!def:x.se">!def:x.se</a>' in shown.html
