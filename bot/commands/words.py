"""The words that name a subcommand, in Swedish and English, and the nearest ones to a typo."""

from __future__ import annotations

from difflib import get_close_matches

from bot.commands.arguments import echo
from bot.commands.command import Subcommand
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.naming import normalize

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
    Subcommand.SUBSTITUTES: ("ersättare", "substitutes"),
    Subcommand.COOPTED: ("adjungerade", "co-opted", "coopted"),
    Subcommand.PRESENTER: ("föredragande", "presenter"),
    Subcommand.PROPOSAL: ("förslag", "proposal"),
    Subcommand.ABSENT: ("förhinder", "absent"),
    Subcommand.REFER_BACK: ("återremiss", "refer-back", "refer_back"),
    Subcommand.NOTE: ("anteckning", "note"),
    Subcommand.ADJUSTER: ("justerare", "adjuster"),
    Subcommand.CASE_NUMBER: ("diarienummer", "case-number", "case_number"),
    Subcommand.CORRECTION: ("rättelse", "correction"),
    Subcommand.JUSTERA: ("justera", "approve-minutes", "approve_minutes"),
    Subcommand.REQUEST_CHANGE: ("ändring", "request-change", "request_change"),
}

_BY_WORD: dict[str, Subcommand] = {
    normalize(alias): sub for sub, aliases in ALIASES.items() for alias in aliases
}
_DISPLAY: dict[str, str] = {
    normalize(alias): alias for aliases in ALIASES.values() for alias in aliases
}


def subcommand(word: str) -> Subcommand:
    key = normalize(word)
    found = _BY_WORD.get(key)
    if found is not None:
        return found
    raise DomainError(ErrorCode.UNKNOWN_SUBCOMMAND, value=echo(word), suggestions=_suggestions(key))


def _suggestions(key: str) -> str:
    # A cut-off here (unlike for activities): among forty-odd words, the nearest to a typo is
    # useful, the nearest to nonsense is noise; help is the honest pointer then.
    close = get_close_matches(key, list(_DISPLAY), n=3, cutoff=0.6)
    words = [_DISPLAY[c] for c in close] or [*ALIASES[Subcommand.HELP]]
    return ", ".join(words)
