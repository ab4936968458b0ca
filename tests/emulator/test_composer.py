"""Typed text becomes what Slack sends with should_escape: mentions, channels, links, & < >."""

from __future__ import annotations

import pytest

from bot.emulator.composer import escape_typed
from bot.emulator.state import WorkspaceState


@pytest.fixture
def state() -> WorkspaceState:
    state = WorkspaceState()
    state.add_user("anna", user_id="U1")
    state.add_user("erik", user_id="U2")
    state.add_channel("kommunen-x", channel_id="C1")
    return state


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("ansvarig 1.2 @erik", "ansvarig 1.2 <@U2|erik>"),
        ("styrgrupp @anna @Erik.", "styrgrupp <@U1|anna> <@U2|erik>."),
        ("ansvarig 1.2 @okand", "ansvarig 1.2 @okand"),
        ("kanaler #kommunen-x #saknas", "kanaler <#C1|kommunen-x> #saknas"),
        (
            "underlag driftplan https://x.se/a?b=1&c=2.",
            "underlag driftplan <https://x.se/a?b=1&amp;c=2>.",
        ),
        ("a < b & c > d", "a &lt; b &amp; c &gt; d"),
        ("mejl anna@x.se", "mejl anna@x.se"),
    ],
)
def test_escape_typed(state: WorkspaceState, typed: str, sent: str) -> None:
    assert escape_typed(typed, state) == sent
