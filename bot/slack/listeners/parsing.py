"""The text after `/forvaltning`, turned into a typed command.

Pure: no Slack client, no database, no project. Activity and document names stay as typed;
they are resolved against the project's template later (`bot.domain.naming`). Every refusal is
a `DomainError` whose `usage` parameter is the `Subcommand` value, so the message layer can show
the usage line in the user's language.

Slack sends the text escaped (the manifest sets `should_escape`): people arrive as
`<@U123|anna>`, channels as `<#C123|allmant>`, links as `<https://x.se|label>`, and a literal
`&`, `<` or `>` as `&amp;`, `&lt;`, `&gt;`. Free text is returned unescaped, because the
message layer escapes `& < >` when it renders.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from difflib import get_close_matches
from enum import StrEnum
from typing import ClassVar
from urllib.parse import urlsplit

from bot.domain.errors import DomainError, ErrorCode
from bot.domain.naming import normalize

NAME_MAX = 120
TEXT_MAX = 2000
URL_MAX = 2000
# Values echoed back in an error are clipped so the reply stays inside Slack's limits.
ECHO_MAX = 100


class Subcommand(StrEnum):
    HELP = "help"
    NEW = "new"
    STATUS = "status"
    MINE = "mine"
    OWNER = "owner"
    DUE = "due"
    DONE = "done"
    DOING = "doing"
    BLOCKED = "blocked"
    NA = "na"
    DOC = "doc"
    STEERING = "steering"
    CHAIR = "chair"
    VOTE_CHANNEL = "vote_channel"
    CHANNELS = "channels"
    SCHEDULE = "schedule"
    REMIND = "remind"
    MILESTONE = "milestone"
    CONFLICT = "conflict"
    CLOSE = "close"
    MINUTES = "minutes"


# What people type, as the help shows it (Swedish first); matched after `normalize`, so
# "hjälp", "hjalp" and "HJÄLP" are one word.
ALIASES: dict[Subcommand, tuple[str, ...]] = {
    Subcommand.HELP: ("hjälp", "help"),
    Subcommand.NEW: ("nytt", "new"),
    Subcommand.STATUS: ("status",),
    Subcommand.MINE: ("mina", "mine"),
    Subcommand.OWNER: ("ansvarig", "owner"),
    Subcommand.DUE: ("datum", "due"),
    Subcommand.DONE: ("klar", "done"),
    Subcommand.DOING: ("pågår", "doing"),
    Subcommand.BLOCKED: ("blockerad", "blocked"),
    Subcommand.NA: ("ej-aktuell", "ej_aktuell", "na"),
    Subcommand.DOC: ("underlag", "doc"),
    Subcommand.STEERING: ("styrgrupp", "steering"),
    Subcommand.CHAIR: ("ordförande", "chair"),
    Subcommand.VOTE_CHANNEL: ("styrgruppskanal", "vote-channel", "vote_channel"),
    Subcommand.CHANNELS: ("kanaler", "channels"),
    Subcommand.SCHEDULE: ("schema", "schedule"),
    Subcommand.REMIND: ("påminn", "remind"),
    Subcommand.MILESTONE: ("milstolpe", "milestone"),
    Subcommand.CONFLICT: ("jäv", "conflict"),
    Subcommand.CLOSE: ("stäng", "close"),
    Subcommand.MINUTES: ("protokoll", "minutes"),
}

_BY_WORD: dict[str, Subcommand] = {
    normalize(alias): sub for sub, aliases in ALIASES.items() for alias in aliases
}
_DISPLAY: dict[str, str] = {
    normalize(alias): alias for aliases in ALIASES.values() for alias in aliases
}


@dataclass(frozen=True)
class Help:
    topic: Subcommand | None = None
    subcommand: ClassVar[Subcommand] = Subcommand.HELP


@dataclass(frozen=True)
class NewProject:
    name: str
    subcommand: ClassVar[Subcommand] = Subcommand.NEW


@dataclass(frozen=True)
class Status:
    subcommand: ClassVar[Subcommand] = Subcommand.STATUS


@dataclass(frozen=True)
class Mine:
    subcommand: ClassVar[Subcommand] = Subcommand.MINE


@dataclass(frozen=True)
class SetOwner:
    activity: str
    user_id: str
    subcommand: ClassVar[Subcommand] = Subcommand.OWNER


@dataclass(frozen=True)
class SetDue:
    activity: str
    due: date
    subcommand: ClassVar[Subcommand] = Subcommand.DUE


@dataclass(frozen=True)
class MarkDone:
    activity: str
    comment: str | None = None
    subcommand: ClassVar[Subcommand] = Subcommand.DONE


@dataclass(frozen=True)
class MarkDoing:
    activity: str
    comment: str | None = None
    subcommand: ClassVar[Subcommand] = Subcommand.DOING


@dataclass(frozen=True)
class MarkBlocked:
    activity: str
    reason: str
    subcommand: ClassVar[Subcommand] = Subcommand.BLOCKED


@dataclass(frozen=True)
class MarkNotApplicable:
    activity: str
    reason: str
    subcommand: ClassVar[Subcommand] = Subcommand.NA


@dataclass(frozen=True)
class LinkDocument:
    document: str
    url: str
    subcommand: ClassVar[Subcommand] = Subcommand.DOC


@dataclass(frozen=True)
class SetSteering:
    user_ids: tuple[str, ...]
    subcommand: ClassVar[Subcommand] = Subcommand.STEERING


@dataclass(frozen=True)
class SetChair:
    user_id: str
    subcommand: ClassVar[Subcommand] = Subcommand.CHAIR


@dataclass(frozen=True)
class SetVoteChannel:
    channel_id: str
    subcommand: ClassVar[Subcommand] = Subcommand.VOTE_CHANNEL


@dataclass(frozen=True)
class SetChannels:
    channel_ids: tuple[str, ...]
    subcommand: ClassVar[Subcommand] = Subcommand.CHANNELS


@dataclass(frozen=True)
class SetSchedule:
    when: str
    subcommand: ClassVar[Subcommand] = Subcommand.SCHEDULE


@dataclass(frozen=True)
class Remind:
    subcommand: ClassVar[Subcommand] = Subcommand.REMIND


@dataclass(frozen=True)
class LocalDeadline:
    """A wall-clock date and time as typed; the service reads it in Europe/Stockholm."""

    day: date
    at: time


@dataclass(frozen=True)
class Milestone:
    deadline: LocalDeadline | None = None
    subcommand: ClassVar[Subcommand] = Subcommand.MILESTONE


@dataclass(frozen=True)
class DeclareConflict:
    subcommand: ClassVar[Subcommand] = Subcommand.CONFLICT


@dataclass(frozen=True)
class CloseVote:
    subcommand: ClassVar[Subcommand] = Subcommand.CLOSE


@dataclass(frozen=True)
class Minutes:
    subcommand: ClassVar[Subcommand] = Subcommand.MINUTES


Command = (
    Help
    | NewProject
    | Status
    | Mine
    | SetOwner
    | SetDue
    | MarkDone
    | MarkDoing
    | MarkBlocked
    | MarkNotApplicable
    | LinkDocument
    | SetSteering
    | SetChair
    | SetVoteChannel
    | SetChannels
    | SetSchedule
    | Remind
    | Milestone
    | DeclareConflict
    | CloseVote
    | Minutes
)

# An escaped Slack entity is one token even if its label holds spaces ("<https://x|two words>");
# any other non-space character belongs to the token it touches, so nothing is ever skipped.
_TOKEN = re.compile(r"(?:<[^<>]*>|\S)+")
# In lists of people or channels a comma also separates, since people write "@a, @b".
_LIST_TOKEN = re.compile(r"(?:<[^<>]*>|[^\s,])+")
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^<>]*)?>")
_LINK = re.compile(r"<([^<>|]*)(?:\|[^<>]*)?>")
# ASCII digits only: `\d` would accept Arabic-Indic and other digits int() understands.
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DATETIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[ T]([0-9]{1,2}):([0-9]{2})")


@dataclass(frozen=True)
class _Token:
    text: str
    start: int


class _Args:
    """The words after the subcommand, with access to the raw text from any word onwards."""

    def __init__(self, text: str, tokens: list[_Token], usage: Subcommand) -> None:
        self._text = text
        self.tokens = tokens
        self.usage = usage

    def __len__(self) -> int:
        return len(self.tokens)

    def word(self, index: int, argument: str) -> str:
        if index >= len(self.tokens):
            raise DomainError(ErrorCode.MISSING_ARGUMENT, argument=argument, usage=self.usage.value)
        return self.tokens[index].text

    def rest(self, index: int) -> str:
        """The text from word `index` to the end, as typed (line breaks kept), or ''."""
        if index >= len(self.tokens):
            return ""
        return self._text[self.tokens[index].start :].strip()

    def at_most(self, count: int) -> None:
        if len(self.tokens) > count:
            raise DomainError(
                ErrorCode.TOO_MANY_ARGUMENTS, value=_echo(self.rest(count)), usage=self.usage.value
            )


def parse(text: str) -> Command:
    """The command in `text`; raises only `DomainError`."""
    text = _clean(text)
    tokens = [_Token(m.group(), m.start()) for m in _TOKEN.finditer(text)]
    if not tokens:
        return Help()
    head, tail = tokens[0], tokens[1:]
    sub = _subcommand(head.text)
    return _PARSERS[sub](_Args(text, tail, sub))


def _clean(text: str) -> str:
    # Control characters are never meant, and PostgreSQL refuses NUL in text; the whitespace
    # ones still separate words, so they become a space rather than vanish.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cs":
            continue
        if category == "Cc" and ch not in "\n\t":
            if ch.isspace():
                kept.append(" ")
            continue
        kept.append(ch)
    return "".join(kept)


def _subcommand(word: str) -> Subcommand:
    key = normalize(word)
    found = _BY_WORD.get(key)
    if found is not None:
        return found
    raise DomainError(
        ErrorCode.UNKNOWN_SUBCOMMAND, value=_echo(word), suggestions=_suggest_subcommands(key)
    )


def _suggest_subcommands(key: str) -> str:
    # A cut-off here (unlike for activities): among forty-odd words, the nearest to a typo is
    # useful, the nearest to nonsense is noise; help is the honest pointer then.
    close = get_close_matches(key, list(_DISPLAY), n=3, cutoff=0.6)
    words = [_DISPLAY[c] for c in close] or [*ALIASES[Subcommand.HELP]]
    return ", ".join(words)


def _echo(value: str) -> str:
    return value if len(value) <= ECHO_MAX else value[: ECHO_MAX - 1] + "…"


def _unescape(text: str) -> str:
    # Only these three are escaped by Slack; `&amp;` last so "&amp;lt;" stays "&lt;".
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _free_text(raw: str, limit: int = TEXT_MAX) -> str:
    text = _unescape(raw).strip()
    if len(text) > limit:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, limit=str(limit), length=str(len(text)))
    return text


def _optional_text(args: _Args, index: int) -> str | None:
    return _free_text(args.rest(index)) or None


def _user(token: str, usage: Subcommand) -> str:
    match = _USER.fullmatch(token)
    if match:
        return match.group(1)
    if token.startswith("@") and len(token) > 1:
        raise DomainError(ErrorCode.RAW_MENTION, value=_echo(token), usage=usage.value)
    raise DomainError(ErrorCode.BAD_MENTION, value=_echo(token), usage=usage.value)


def _looks_like_person(token: str) -> bool:
    return token.startswith(("@", "<@"))


def _channel(token: str, usage: Subcommand) -> str:
    match = _CHANNEL.fullmatch(token)
    if match:
        return match.group(1)
    raise DomainError(ErrorCode.BAD_CHANNEL, value=_echo(token), usage=usage.value)


def _date(token: str, usage: Subcommand) -> date:
    match = _DATE.fullmatch(token)
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise DomainError(ErrorCode.BAD_DATE, value=_echo(token), usage=usage.value)


def _url(token: str, usage: Subcommand) -> str:
    match = _LINK.fullmatch(token)
    url = _unescape(match.group(1) if match else token)
    if len(url) > URL_MAX:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, limit=str(URL_MAX), length=str(len(url)))
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
    else:
        if parts.scheme.lower() not in ("http", "https"):
            host = None
    if not host or any(ch.isspace() or ch in '<>"' for ch in url):
        raise DomainError(ErrorCode.BAD_URL, value=_echo(url), usage=usage.value)
    return url


def _list_tokens(args: _Args, start: int) -> list[str]:
    return _LIST_TOKEN.findall(args.rest(start))


def _dedupe(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _help(args: _Args) -> Command:
    args.at_most(1)
    if len(args) == 0:
        return Help()
    return Help(topic=_subcommand(args.word(0, "topic")))


def _no_arguments(factory: Callable[[], Command]) -> Callable[[_Args], Command]:
    def parse_bare(args: _Args) -> Command:
        args.at_most(0)
        return factory()

    return parse_bare


def _new(args: _Args) -> Command:
    name = " ".join(_unescape(args.rest(0)).split())
    if not name:
        raise DomainError(ErrorCode.NAME_REQUIRED, usage=args.usage.value)
    if len(name) > NAME_MAX:
        raise DomainError(ErrorCode.NAME_TOO_LONG, limit=str(NAME_MAX), length=str(len(name)))
    return NewProject(name=name)


def _owner(args: _Args) -> Command:
    first = args.word(0, "activity")
    # "ansvarig @anna 1.2" is unambiguous too: an activity never looks like a person.
    if _looks_like_person(first) and len(args) == 1:
        raise DomainError(ErrorCode.MISSING_ARGUMENT, argument="activity", usage=args.usage.value)
    if _looks_like_person(first) and not _looks_like_person(args.tokens[1].text):
        activity, person = args.tokens[1].text, first
    else:
        activity, person = first, args.word(1, "person")
    args.at_most(2)
    return SetOwner(activity=activity, user_id=_user(person, args.usage))


def _due(args: _Args) -> Command:
    activity = args.word(0, "activity")
    day = args.word(1, "date")
    args.at_most(2)
    return SetDue(activity=activity, due=_date(day, args.usage))


def _done(args: _Args) -> Command:
    return MarkDone(activity=args.word(0, "activity"), comment=_optional_text(args, 1))


def _doing(args: _Args) -> Command:
    return MarkDoing(activity=args.word(0, "activity"), comment=_optional_text(args, 1))


def _required_reason(args: _Args) -> tuple[str, str]:
    activity = args.word(0, "activity")
    reason = _free_text(args.rest(1))
    if not reason:
        raise DomainError(ErrorCode.REASON_REQUIRED, usage=args.usage.value)
    return activity, reason


def _blocked(args: _Args) -> Command:
    activity, reason = _required_reason(args)
    return MarkBlocked(activity=activity, reason=reason)


def _na(args: _Args) -> Command:
    activity, reason = _required_reason(args)
    return MarkNotApplicable(activity=activity, reason=reason)


def _doc(args: _Args) -> Command:
    document = args.word(0, "document")
    link = args.word(1, "url")
    args.at_most(2)
    return LinkDocument(document=document, url=_url(link, args.usage))


def _steering(args: _Args) -> Command:
    people = [_user(token, args.usage) for token in _list_tokens(args, 0)]
    if not people:
        raise DomainError(ErrorCode.MISSING_ARGUMENT, argument="people", usage=args.usage.value)
    return SetSteering(user_ids=_dedupe(people))


def _chair(args: _Args) -> Command:
    person = args.word(0, "person")
    args.at_most(1)
    return SetChair(user_id=_user(person, args.usage))


def _vote_channel(args: _Args) -> Command:
    channel = args.word(0, "channel")
    args.at_most(1)
    return SetVoteChannel(channel_id=_channel(channel, args.usage))


def _channels(args: _Args) -> Command:
    channels = [_channel(token, args.usage) for token in _list_tokens(args, 0)]
    if not channels:
        raise DomainError(ErrorCode.MISSING_ARGUMENT, argument="channels", usage=args.usage.value)
    return SetChannels(channel_ids=_dedupe(channels))


def _schedule(args: _Args) -> Command:
    when = _free_text(args.rest(0))
    if not when:
        raise DomainError(ErrorCode.MISSING_ARGUMENT, argument="when", usage=args.usage.value)
    return SetSchedule(when=when)


def _milestone(args: _Args) -> Command:
    if len(args) == 0:
        return Milestone()
    args.at_most(2)
    typed = " ".join(token.text for token in args.tokens)
    match = _DATETIME.fullmatch(typed)
    if match:
        year, month, day, hour, minute = (int(part) for part in match.groups())
        try:
            return Milestone(LocalDeadline(day=date(year, month, day), at=time(hour, minute)))
        except ValueError:
            pass
    raise DomainError(ErrorCode.BAD_DATETIME, value=_echo(typed), usage=args.usage.value)


_PARSERS: dict[Subcommand, Callable[[_Args], Command]] = {
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
