"""The meeting's rules in a Matrix room: jäv, förhinder, återremiss, notes and the steering
group's other seats, the same use cases as Slack's slash command runs for them."""

from __future__ import annotations

import messages
from bot.commands import (
    AddNote,
    DeclareConflict,
    RaiseConflict,
    ReferBack,
    ReportAbsence,
    SetCoopted,
    SetPresenter,
    SetProposal,
    SetSubstitutes,
)
from bot.domain.changes import Change
from bot.domain.jav import JavGround
from bot.matrix.answer import Answer, Asked
from bot.services import decisions, jav, projects, votes


def _confirm(asked: Asked, change: Change) -> Answer:
    asked.notify()
    return Answer(messages.change_confirmed(change, asked.lang))


def declare_conflict(asked: Asked, command: DeclareConflict) -> Answer:
    ground = JavGround(command.ground) if command.ground else None
    step = jav.declare(
        asked.services, asked.actor, ground, command.motivation, channel_id=asked.room
    )
    asked.notify()
    return Answer(messages.jav_step(step, asked.lang))


def raise_conflict(asked: Asked, command: RaiseConflict) -> Answer:
    step = jav.raise_about(
        asked.services,
        asked.actor,
        asked.room,
        command.user_id,
        JavGround(command.ground),
        command.motivation,
    )
    asked.notify()
    return Answer(messages.jav_step(step, asked.lang))


def report_absence(asked: Asked, command: ReportAbsence) -> Answer:
    view = jav.report_absence(asked.services, asked.actor, channel_id=asked.room)
    asked.notify()
    return Answer(messages.absence_recorded(view, asked.lang))


def refer_back(asked: Asked, command: ReferBack) -> Answer:
    view = votes.refer_back(asked.services, asked.actor, command.motivation, channel_id=asked.room)
    asked.notify()
    return Answer(messages.referred_back(view, asked.lang))


def add_note(asked: Asked, command: AddNote) -> Answer:
    noted = decisions.add_note(asked.services, asked.actor, asked.room, command.text)
    asked.notify()
    return Answer(messages.note_recorded(noted is not None, asked.lang))


def set_substitutes(asked: Asked, command: SetSubstitutes) -> Answer:
    change = projects.set_substitutes(asked.services, asked.actor, asked.room, command.user_ids)
    return _confirm(asked, change)


def set_coopted(asked: Asked, command: SetCoopted) -> Answer:
    change = projects.set_coopted(asked.services, asked.actor, asked.room, command.user_ids)
    return _confirm(asked, change)


def set_presenter(asked: Asked, command: SetPresenter) -> Answer:
    change = projects.set_presenter(asked.services, asked.actor, asked.room, command.user_id)
    return _confirm(asked, change)


def set_proposal(asked: Asked, command: SetProposal) -> Answer:
    change = projects.set_proposal(asked.services, asked.actor, asked.room, command.text)
    return _confirm(asked, change)
