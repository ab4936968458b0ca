"""The Messages tab: a person who writes to the bot there gets the help, once per message,
and the bot never answers itself or another bot.

The `message.im` event shape is Slack's (https://docs.slack.dev/reference/events/message.im):
`{"type": "message", "channel": "D…", "user": "U…", "text": …, "ts": …, "channel_type": "im"}`;
a bot's message carries `bot_id` (and `subtype: "bot_message"` for integrations).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.emulator import event_payloads
from tests.support.bot import RunningBot, Workspace
from tests.support.waiting import eventually


def helps(w: Workspace, user: str) -> int:
    state = w.fake.state
    return len([m for m in state.dms_to(user) if "/forvaltning" in m.text and m.user != user])


def test_a_dm_is_answered_with_the_help_once_and_bots_are_not_answered(
    start_bot: Callable[[], RunningBot], workspace: Workspace
) -> None:
    w, slack = workspace, start_bot().slack
    first = slack.direct_message(w.erik, "hej, vad kan du?")
    assert first.status == 200
    assert eventually(lambda: helps(w, w.erik) == 1)
    assert "status" in w.fake.state.dms_to(w.erik)[-1].text

    # Slack's redelivery of the same message is not answered again.
    assert slack.redeliver(first).status == 200
    # Nor the bot's own message, another bot's, or an edit.
    im = w.fake.state.im_channel(w.erik)
    bot = w.fake.state.bot
    own = {**event_payloads.direct_message(w.fake, w.erik, "x"), "user": bot.user_id}
    slack.event({**own, "bot_id": bot.bot_id})
    slack.event({**event_payloads.direct_message(w.fake, w.erik, "y"), "bot_id": "B0OTHER"})
    slack.event(
        {"type": "message", "subtype": "message_changed", "channel": im, "channel_type": "im"}
    )
    # A later message is answered: so the ones before it were seen and left alone.
    slack.direct_message(w.erik, "hjälp")
    assert eventually(lambda: helps(w, w.erik) == 2)
    assert helps(w, w.erik) == 2
