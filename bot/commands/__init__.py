"""The `/forvaltning` command language, apart from any chat platform.

`parse(text, dialect)` turns a command's text into one typed `Command`; the platform adapter
gives the `Dialect` (how it writes people, channels and links) and maps the command to a use
case. Modules: `command` (the values), `words` (the subcommand names), `arguments` (reading
typed values from the words), `grammar` (what each subcommand takes).
"""

from bot.commands.command import (
    AddNote,
    CloseVote,
    Command,
    DeclareConflict,
    Help,
    LinkDocument,
    LocalDeadline,
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
    Subcommand,
)
from bot.commands.dialect import Dialect
from bot.commands.grammar import parse
from bot.commands.words import ALIASES

__all__ = [
    "ALIASES",
    "AddNote",
    "CloseVote",
    "Command",
    "DeclareConflict",
    "Dialect",
    "Help",
    "LinkDocument",
    "LocalDeadline",
    "MarkBlocked",
    "MarkDoing",
    "MarkDone",
    "MarkNotApplicable",
    "Milestone",
    "Mine",
    "Minutes",
    "NewProject",
    "RaiseConflict",
    "ReferBack",
    "Remind",
    "ReportAbsence",
    "SetChair",
    "SetChannels",
    "SetCoopted",
    "SetDue",
    "SetOwner",
    "SetPresenter",
    "SetProposal",
    "SetSchedule",
    "SetSteering",
    "SetSubstitutes",
    "SetVoteChannel",
    "Status",
    "Subcommand",
    "parse",
]
