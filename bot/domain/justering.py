"""Justering: when a closed vote's record is final, and its canonical form and checksum.

After the close the record is *ojusterat*. The chair and the justerare each justera it; when
both have justerat the current version it is *justerat*, and its canonical JSON and checksum
are stored. A rättelse begins a new version, which both justera again.

The canonical JSON (schema `SCHEMA_VERSION`): the record document with keys sorted, UTF-8
(not ASCII-escaped), separators `,` and `:` without whitespace; the checksum is the SHA-256 of
those bytes, in lowercase hex. The document leaves out what is not the record's own:
`checksum`, `status` and `organisation` (set by whoever exports).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from bot.domain.calendar import SNOOZE_TIME, STOCKHOLM, BusinessCalendar, at_local, local_date

SCHEMA_VERSION = 1
NOT_IN_DOCUMENT = frozenset({"checksum", "status", "organisation"})


@dataclass(frozen=True, slots=True)
class Justering:
    """The current version's justering: who must, who has (and when), and the seal."""

    vote_id: int
    version: int
    chair: str | None
    adjuster: str | None
    done: tuple[tuple[str, datetime], ...] = ()
    justerat_at: datetime | None = None
    checksum: str | None = None

    @property
    def justerat(self) -> bool:
        return self.justerat_at is not None

    @property
    def justerare(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p for p in (self.chair, self.adjuster) if p))

    @property
    def waiting(self) -> tuple[str, ...]:
        """Who has not justerat this version yet."""
        have = {user for user, _ in self.done}
        return tuple(p for p in self.justerare if p not in have)

    def waits_for(self, version: int, user_id: str) -> bool:
        """Whether a request to justera `version` still stands for `user_id`: it is still the
        current version (not corrected since) and they have not justerat it."""
        return version == self.version and user_id in self.waiting

    @property
    def status(self) -> str:
        return "justerat" if self.justerat else "ojusterat"

    def as_dict(self) -> dict[str, Any]:
        """The document's part (the same before and after the seal: the seal's time is the
        last justering's)."""
        return {
            "version": self.version,
            "chair": self.chair,
            "adjuster": self.adjuster,
            "by": [{"user": user, "at": at.isoformat()} for user, at in self.done],
        }


def case_title(record: dict[str, Any]) -> str:
    """The ärendemening: "Beslut vid Milstolpe VII – <project>"."""
    return f"Beslut vid {record['milestone']['name']['sv']} – {record['project']}"


def canonical(document: dict[str, Any]) -> str:
    """The canonical JSON of a record document (the keys it leaves out are dropped)."""
    kept = {k: v for k, v in document.items() if k not in NOT_IN_DOCUMENT}
    return json.dumps(kept, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def checksum(document: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(document).encode("utf-8")).hexdigest()


JUSTERING_REMINDER_DAYS = 2


def reminder_at(now: datetime, calendar: BusinessCalendar, tz: tzinfo = STOCKHOLM) -> datetime:
    """Who has not justerat is reminded at 09:00 local, two business days after the day the
    version began (Swedish calendar)."""
    day = calendar.add_business_days(local_date(now, tz), JUSTERING_REMINDER_DAYS)
    return at_local(day, SNOOZE_TIME, tz)
