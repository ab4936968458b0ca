"""The record's life, asked for in a command: who justerar it, its case number, justering,
Begär ändring and rättelse. `justera` and `ändring` are what the justering message's buttons
do, for a platform without buttons (or a person who would rather write)."""

from __future__ import annotations

import messages
from bot.commands import AddCorrection, Justera, RequestChange, SetAdjuster, SetCaseNumber
from bot.conversation.answer import Answer, Asked
from bot.conversation.work import confirm
from bot.services import justering


def set_adjuster(asked: Asked, command: SetAdjuster) -> Answer:
    s, a, channel = asked.services, asked.actor, asked.channel
    return confirm(asked, justering.set_adjuster(s, a, channel, command.user_id))


def set_case_number(asked: Asked, command: SetCaseNumber) -> Answer:
    s, a, channel = asked.services, asked.actor, asked.channel
    return confirm(asked, justering.set_case_number(s, a, channel, command.number))


def add_correction(asked: Asked, command: AddCorrection) -> Answer:
    found = justering.correct(asked.services, asked.actor, asked.channel, command.text)
    asked.notify()
    return Answer(messages.corrected(found, asked.lang))


def justera(asked: Asked, command: Justera) -> Answer:
    vote_id = justering.record_meant(asked.services, asked.actor, asked.channel)
    return justera_record(asked, vote_id)


def justera_record(asked: Asked, vote_id: int) -> Answer:
    """*Justera* of one record, however it was asked (a command, a reaction to its message)."""
    found = justering.justera(asked.services, asked.actor, vote_id)
    asked.notify()
    return Answer(messages.justerat_receipt(found, asked.lang))


def request_change(asked: Asked, command: RequestChange) -> Answer:
    vote_id = justering.record_meant(asked.services, asked.actor, asked.channel)
    lead = justering.request_change(asked.services, asked.actor, vote_id, command.text)
    asked.notify()
    return Answer(messages.change_request_sent(lead, asked.lang))
