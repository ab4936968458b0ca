"""Every command the grammar knows, and the use case that answers it: one table for every
platform. A platform's listener parses in its dialect, calls `run`, and puts the answer where
its platform puts a private or a shared answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from bot.commands import (
    AddCorrection,
    AddNote,
    CloseVote,
    Command,
    DeclareConflict,
    Help,
    Justera,
    LinkDocument,
    MarkBlocked,
    MarkDoing,
    MarkDone,
    MarkNotApplicable,
    Milestone,
    Mine,
    Minutes,
    NewProject,
    RaiseConflict,
    ReferBack,
    Remind,
    ReportAbsence,
    RequestChange,
    SetAdjuster,
    SetCaseNumber,
    SetChair,
    SetChannels,
    SetCoopted,
    SetDue,
    SetOwner,
    SetPresenter,
    SetProposal,
    SetSchedule,
    SetSteering,
    SetSubstitutes,
    SetVoteChannel,
    Status,
)
from bot.conversation import meeting, record, work
from bot.conversation.answer import Answer, Asked

C = TypeVar("C", bound=Command)
Route = Callable[[Asked, Any], Answer]


def _route(kind: type[C], handler: Callable[[Asked, C], Answer]) -> tuple[type, Route]:
    """One row of the table; mypy checks that the handler takes that kind of command."""
    return kind, handler


ROUTES: dict[type, Route] = dict(
    [
        _route(Help, work.show_help),
        _route(NewProject, work.new_project),
        _route(Status, work.status),
        _route(Mine, work.mine),
        _route(SetOwner, work.set_owner),
        _route(SetDue, work.set_due),
        _route(MarkDone, work.mark),
        _route(MarkDoing, work.mark),
        _route(MarkBlocked, work.mark),
        _route(MarkNotApplicable, work.mark),
        _route(LinkDocument, work.link_document),
        _route(SetSteering, work.set_steering),
        _route(SetChair, work.set_chair),
        _route(SetVoteChannel, work.set_vote_channel),
        _route(SetChannels, work.set_channels),
        _route(SetSchedule, work.set_schedule),
        _route(Remind, work.remind),
        _route(Milestone, work.open_milestone),
        _route(DeclareConflict, meeting.declare_conflict),
        _route(RaiseConflict, meeting.raise_conflict),
        _route(ReportAbsence, meeting.report_absence),
        _route(ReferBack, meeting.refer_back),
        _route(AddNote, meeting.add_note),
        _route(SetSubstitutes, meeting.set_substitutes),
        _route(SetCoopted, meeting.set_coopted),
        _route(SetPresenter, meeting.set_presenter),
        _route(SetProposal, meeting.set_proposal),
        _route(CloseVote, meeting.close_vote),
        _route(Minutes, meeting.minutes),
        _route(SetAdjuster, record.set_adjuster),
        _route(SetCaseNumber, record.set_case_number),
        _route(AddCorrection, record.add_correction),
        _route(Justera, record.justera),
        _route(RequestChange, record.request_change),
    ]
)


def run(asked: Asked, command: Command) -> Answer:
    """Run a parsed command; raises what the use case raises (a refusal is a `DomainError`)."""
    return ROUTES[type(command)](asked, command)
