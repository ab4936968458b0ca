"""Every command, button and dialog the bot can meet has its handler in the listeners' tables."""

from __future__ import annotations

from typing import get_args

from bot.commands import Command
from bot.conversation import ROUTES
from bot.slack.listeners.buttons import BUTTONS
from bot.slack.listeners.dialogs import DIALOGS
from messages.ids import ActionId, CallbackId


def test_every_command_of_the_grammar_has_a_handler() -> None:
    assert set(ROUTES) == set(get_args(Command))


def test_every_button_we_render_has_a_handler() -> None:
    # The reason field is an input inside a dialog, not a button.
    assert set(BUTTONS) == set(ActionId) - {ActionId.REASON_TEXT}


def test_every_dialog_we_open_has_a_handler() -> None:
    assert set(DIALOGS) == set(CallbackId)
