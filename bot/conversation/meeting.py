"""The steering group's meeting, asked for in a command: its other seats, the proposal, jäv,
förhinder, återremiss, notes, the close and the record that follows."""

from __future__ import annotations

import messages
from bot.commands import (
    AddNote,
    CloseVote,
    DeclareConflict,
    Minutes,
    RaiseConflict,
    ReferBack,
    ReportAbsence,
    SetCoopted,
    SetPresenter,
    SetProposal,
    SetSubstitutes,
)
from bot.conversation.answer import Answer, Asked
from bot.conversation.work import confirm
from bot.domain.jav import JavGround
from bot.services import decisions, jav, projects, votes


def declare_conflict(asked: Asked, command: DeclareConflict) -> Answer:
    ground = JavGround(command.ground) if command.ground else None
    step = jav.declare(
        asked.services, asked.actor, ground, command.motivation, channel_id=asked.channel
    )
    asked.notify()
    return Answer(messages.jav_step(step, asked.lang))


def raise_conflict(asked: Asked, command: RaiseConflict) -> Answer:
    step = jav.raise_about(
        asked.services,
        asked.actor,
        asked.channel,
        command.user_id,
        JavGround(command.ground),
        command.motivation,
    )
    asked.notify()
    return Answer(messages.jav_step(step, asked.lang))


def rule_on_jav(asked: Asked, question_id: int, *, javig: bool) -> Answer:
    """*Jävig* / *Inte jävig* on a raised jäv, however it was asked (a button, a reaction)."""
    step = jav.rule_on(asked.services, asked.actor, question_id, javig=javig)
    asked.notify()
    return Answer(messages.jav_step(step, asked.lang))


def report_absence(asked: Asked, command: ReportAbsence) -> Answer:
    view = jav.report_absence(asked.services, asked.actor, channel_id=asked.channel)
    asked.notify()
    return Answer(messages.absence_recorded(view, asked.lang))


def refer_back(asked: Asked, command: ReferBack) -> Answer:
    view = votes.refer_back(
        asked.services, asked.actor, command.motivation, channel_id=asked.channel
    )
    asked.notify()
    return Answer(messages.referred_back(view, asked.lang))


def add_note(asked: Asked, command: AddNote) -> Answer:
    noted = decisions.add_note(asked.services, asked.actor, asked.channel, command.text)
    asked.notify()
    return Answer(messages.note_recorded(noted is not None, asked.lang))


def set_substitutes(asked: Asked, command: SetSubstitutes) -> Answer:
    s, a, channel = asked.services, asked.actor, asked.channel
    return confirm(asked, projects.set_substitutes(s, a, channel, command.user_ids))


def set_coopted(asked: Asked, command: SetCoopted) -> Answer:
    s, a, channel = asked.services, asked.actor, asked.channel
    return confirm(asked, projects.set_coopted(s, a, channel, command.user_ids))


def set_presenter(asked: Asked, command: SetPresenter) -> Answer:
    s, a, channel = asked.services, asked.actor, asked.channel
    return confirm(asked, projects.set_presenter(s, a, channel, command.user_id))


def set_proposal(asked: Asked, command: SetProposal) -> Answer:
    s, a, channel = asked.services, asked.actor, asked.channel
    return confirm(asked, projects.set_proposal(s, a, channel, command.text))


def close_vote(asked: Asked, command: CloseVote) -> Answer:
    closed = votes.close_vote(asked.services, asked.actor, channel_id=asked.channel)
    asked.notify()
    return Answer(messages.vote_closed(closed, asked.lang))


def minutes(asked: Asked, command: Minutes) -> Answer:
    found = decisions.minutes(asked.services, asked.actor, asked.channel)
    shown = messages.minutes(
        found.record, found.reservations, found.failed_channels, asked.lang, found.notes, found
    )
    return Answer(shown)
