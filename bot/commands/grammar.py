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
    Remind,
    SetChair,
    SetChannels,
    SetDue,
    SetOwner,
    SetSchedule,
    SetSteering,
    SetVoteChannel,
    Status,
    Subcommand,
)
from bot.commands.dialect import Dialect
from bot.commands.words import subcommand
from bot.domain.errors import DomainError, ErrorCode
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
    Subcommand.CONFLICT: _no_arguments(DeclareConflict),
    Subcommand.CLOSE: _no_arguments(CloseVote),
    Subcommand.MINUTES: _no_arguments(Minutes),
}
