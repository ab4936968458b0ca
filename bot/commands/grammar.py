"""The text of a `/forvaltning` command, turned into a typed command.

Pure: no platform, no database, no project. Activity and document names stay as typed; they
are resolved against the project's template later (`bot.domain.naming`). Every refusal is a
`DomainError`. How people, channels and links are written is the platform's `Dialect`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time

from bot.commands.arguments import NAME_MAX, Args, Word, dedupe, echo
from bot.commands.command import (
    AddCorrection,
    AddNote,
    CloseVote,
    Command,
    DeclareConflict,
    Help,
    Justera,
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
    Subcommand,
)
from bot.commands.dialect import Dialect
from bot.commands.words import subcommand
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.jav import parse_ground
from bot.domain.text import clean

_DATETIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[ T]([0-9]{1,2}):([0-9]{2})")


def parse(text: str, dialect: Dialect) -> Command:
    """The command in `text`, written in the platform's `dialect`; raises only `DomainError`."""
    text = clean(text)
    words = [Word(word, start) for word, start in dialect.words(text)]
    if not words:
        return Help()
    head, tail = words[0], words[1:]
    sub = subcommand(head.text)
    return _PARSERS[sub](Args(text, tail, sub, dialect))


def _help(args: Args) -> Command:
    args.at_most(1)
    if len(args) == 0:
        return Help()
    return Help(topic=subcommand(args.word(0, "topic")))


def _no_arguments(factory: Callable[[], Command]) -> Callable[[Args], Command]:
    def parse_bare(args: Args) -> Command:
        args.at_most(0)
        return factory()

    return parse_bare


def _new(args: Args) -> Command:
    name = " ".join(args.dialect.plain(args.rest(0)).split())
    if not name:
        raise DomainError(ErrorCode.NAME_REQUIRED, usage=args.usage.value)
    if len(name) > NAME_MAX:
        raise DomainError(ErrorCode.NAME_TOO_LONG, limit=str(NAME_MAX), length=str(len(name)))
    return NewProject(name=name)


def _owner(args: Args) -> Command:
    first = args.word(0, "activity")
    # "ansvarig @anna 1.2" is unambiguous too: an activity never looks like a person.
    if args.looks_like_person(first) and len(args) == 1:
        args.missing("activity")
    if args.looks_like_person(first) and not args.looks_like_person(args.words[1].text):
        activity, person = args.words[1].text, first
    else:
        activity, person = first, args.word(1, "person")
    args.at_most(2)
    return SetOwner(activity=activity, user_id=args.person(person))


def _due(args: Args) -> Command:
    activity = args.word(0, "activity")
    day = args.word(1, "date")
    args.at_most(2)
    return SetDue(activity=activity, due=args.date(day))


def _done(args: Args) -> Command:
    return MarkDone(activity=args.word(0, "activity"), comment=args.optional_text(1))


def _doing(args: Args) -> Command:
    return MarkDoing(activity=args.word(0, "activity"), comment=args.optional_text(1))


def _required_reason(args: Args) -> tuple[str, str]:
    activity = args.word(0, "activity")
    reason = args.text(1)
    if not reason:
        raise DomainError(ErrorCode.REASON_REQUIRED, usage=args.usage.value)
    return activity, reason


def _blocked(args: Args) -> Command:
    activity, reason = _required_reason(args)
    return MarkBlocked(activity=activity, reason=reason)


def _na(args: Args) -> Command:
    activity, reason = _required_reason(args)
    return MarkNotApplicable(activity=activity, reason=reason)


def _doc(args: Args) -> Command:
    document = args.word(0, "document")
    link = args.word(1, "url")
    args.at_most(2)
    return LinkDocument(document=document, url=args.url(link))


def _steering(args: Args) -> Command:
    people = [args.person(item) for item in args.items(0)]
    if not people:
        args.missing("people")
    return SetSteering(user_ids=dedupe(people))


def _chair(args: Args) -> Command:
    person = args.word(0, "person")
    args.at_most(1)
    return SetChair(user_id=args.person(person))


def _vote_channel(args: Args) -> Command:
    channel = args.word(0, "channel")
    args.at_most(1)
    return SetVoteChannel(channel_id=args.channel(channel))


def _channels(args: Args) -> Command:
    channels = [args.channel(item) for item in args.items(0)]
    if not channels:
        args.missing("channels")
    return SetChannels(channel_ids=dedupe(channels))


def _schedule(args: Args) -> Command:
    when = args.text(0)
    if not when:
        args.missing("when")
    return SetSchedule(when=when)


def _milestone(args: Args) -> Command:
    if len(args) == 0:
        return Milestone()
    args.at_most(2)
    typed = " ".join(word.text for word in args.words)
    match = _DATETIME.fullmatch(typed)
    if match:
        year, month, day, hour, minute = (int(part) for part in match.groups())
        try:
            return Milestone(LocalDeadline(day=date(year, month, day), at=time(hour, minute)))
        except ValueError:
            pass
    raise DomainError(ErrorCode.BAD_DATETIME, value=echo(typed), usage=args.usage.value)


# The meeting's rules (the second round): people, the proposal, jäv, förhinder, återremiss.


def _people(args: Args, argument: str) -> tuple[str, ...]:
    people = [args.person(item) for item in args.items(0)]
    if not people:
        args.missing(argument)
    return dedupe(people)


def _substitutes(args: Args) -> Command:
    return SetSubstitutes(user_ids=_people(args, "people"))


def _coopted(args: Args) -> Command:
    return SetCoopted(user_ids=_people(args, "people"))


def _presenter(args: Args) -> Command:
    person = args.word(0, "person")
    args.at_most(1)
    return SetPresenter(user_id=args.person(person))


def _required_text(args: Args, argument: str) -> str:
    text = args.text(0)
    if not text:
        args.missing(argument)
    return text


def _proposal(args: Args) -> Command:
    return SetProposal(text=_required_text(args, "text"))


def _refer_back(args: Args) -> Command:
    motivation = args.text(0)
    if not motivation:
        raise DomainError(ErrorCode.REASON_REQUIRED, usage=args.usage.value)
    return ReferBack(motivation=motivation)


def _note(args: Args) -> Command:
    return AddNote(text=_required_text(args, "text"))


def _adjuster(args: Args) -> Command:
    person = args.word(0, "person")
    args.at_most(1)
    return SetAdjuster(user_id=args.person(person))


def _case_number(args: Args) -> Command:
    return SetCaseNumber(number=_required_text(args, "number"))


def _correction(args: Args) -> Command:
    return AddCorrection(text=_required_text(args, "text"))


def _request_change(args: Args) -> Command:
    return RequestChange(text=_required_text(args, "text"))


def _conflict(args: Args) -> Command:
    """`jäv [grund] [motivering]` about oneself; `jäv @x <grund> <motivering>` about another."""
    if len(args) == 0:
        return DeclareConflict()
    first = args.words[0].text
    if args.looks_like_person(first):
        member = args.person(first)
        ground = parse_ground(args.word(1, "ground"))
        if ground is None:
            args.refuse(ErrorCode.BAD_GROUND, args.words[1].text)
        motivation = args.text(2)
        if not motivation:
            raise DomainError(ErrorCode.REASON_REQUIRED, usage=args.usage.value)
        return RaiseConflict(user_id=member, ground=ground.value, motivation=motivation)
    ground = parse_ground(first)
    if ground is None:
        # A motivation needs its ground first, so a mistyped ground is not taken for one.
        args.refuse(ErrorCode.BAD_GROUND, first)
    return DeclareConflict(ground=ground.value, motivation=args.text(1))


_PARSERS: dict[Subcommand, Callable[[Args], Command]] = {
    Subcommand.HELP: _help,
    Subcommand.NEW: _new,
    Subcommand.STATUS: _no_arguments(Status),
    Subcommand.MINE: _no_arguments(Mine),
    Subcommand.OWNER: _owner,
    Subcommand.DUE: _due,
    Subcommand.DONE: _done,
    Subcommand.DOING: _doing,
    Subcommand.BLOCKED: _blocked,
    Subcommand.NA: _na,
    Subcommand.DOC: _doc,
    Subcommand.STEERING: _steering,
    Subcommand.CHAIR: _chair,
    Subcommand.VOTE_CHANNEL: _vote_channel,
    Subcommand.CHANNELS: _channels,
    Subcommand.SCHEDULE: _schedule,
    Subcommand.REMIND: _no_arguments(Remind),
    Subcommand.MILESTONE: _milestone,
    Subcommand.CONFLICT: _conflict,
    Subcommand.CLOSE: _no_arguments(CloseVote),
    Subcommand.MINUTES: _no_arguments(Minutes),
    Subcommand.SUBSTITUTES: _substitutes,
    Subcommand.COOPTED: _coopted,
    Subcommand.PRESENTER: _presenter,
    Subcommand.PROPOSAL: _proposal,
    Subcommand.ABSENT: _no_arguments(ReportAbsence),
    Subcommand.REFER_BACK: _refer_back,
    Subcommand.NOTE: _note,
    Subcommand.ADJUSTER: _adjuster,
    Subcommand.CASE_NUMBER: _case_number,
    Subcommand.CORRECTION: _correction,
    Subcommand.JUSTERA: _no_arguments(Justera),
    Subcommand.REQUEST_CHANGE: _request_change,
}
