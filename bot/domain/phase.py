"""The phase template: activities, deliverables and the milestone, as plain values.

The connection method has seven milestones; the bot ships one template and an organisation may
adapt it, so the shape is validated here rather than trusted.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.domain.errors import DomainError, ErrorCode

LANGUAGES = ("sv", "en")
_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NUMBER = re.compile(r"^[1-9][0-9]*(?:\.[1-9][0-9]*)?$")


@dataclass(frozen=True, slots=True)
class Text:
    """A text in Swedish with an English translation; Swedish is the official wording."""

    sv: str
    en: str

    def in_(self, lang: str) -> str:
        return self.en if lang == "en" else self.sv


@dataclass(frozen=True, slots=True)
class ActivityDef:
    number: str
    key: str
    title: Text
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class DocumentDef:
    key: str
    name: Text


@dataclass(frozen=True, slots=True)
class Milestone:
    key: str
    name: Text
    next_phase: Text
    purpose: Text
    prepared_by: Text
    decided_by: Text
    information: Text
    documents: tuple[DocumentDef, ...]


@dataclass(frozen=True, slots=True)
class Phase:
    key: str
    name: Text
    purpose: Text
    activities: tuple[ActivityDef, ...]
    deliverables: tuple[DocumentDef, ...]
    milestone: Milestone
    # The fewest ledamöter the steering group needs before it may decide at the milestone.
    min_members: int = 1

    def activity(self, key: str) -> ActivityDef:
        for a in self.activities:
            if a.key == key:
                return a
        raise KeyError(key)

    def children(self, key: str) -> tuple[ActivityDef, ...]:
        return tuple(a for a in self.activities if a.parent == key)

    @property
    def parent_keys(self) -> frozenset[str]:
        return frozenset(a.parent for a in self.activities if a.parent)


def parse_phase(source: str, *, origin: str) -> Phase:
    """Parse and validate a phase template written in TOML; errors name the file and the field."""
    try:
        raw = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise _bad(origin, f"not valid TOML: {exc}") from exc
    try:
        return _phase(raw, origin)
    except (KeyError, TypeError) as exc:
        raise _bad(origin, f"missing or malformed field {exc}") from exc


def _bad(origin: str, problem: str) -> DomainError:
    return DomainError(ErrorCode.BAD_TEMPLATE, origin=origin, problem=problem)


def _text(raw: Any, where: str, origin: str) -> Text:
    if not isinstance(raw, Mapping) or not all(
        isinstance(raw.get(lang), str) and raw[lang].strip() for lang in LANGUAGES
    ):
        raise _bad(origin, f"{where} needs non-empty texts for {', '.join(LANGUAGES)}")
    return Text(sv=raw["sv"].strip(), en=raw["en"].strip())


def _key(raw: Any, where: str, origin: str) -> str:
    if not isinstance(raw, str) or not _KEY.match(raw):
        raise _bad(origin, f"{where}: key {raw!r} must be lower-case letters, digits and '-'")
    return raw


def _documents(raw: Any, where: str, origin: str) -> tuple[DocumentDef, ...]:
    docs = tuple(
        DocumentDef(
            key=_key(d["key"], f"{where}[{i}]", origin),
            name=_text(d["name"], f"{where}[{i}].name", origin),
        )
        for i, d in enumerate(raw)
    )
    keys = [d.key for d in docs]
    if len(set(keys)) != len(keys):
        raise _bad(origin, f"{where}: keys must be unique")
    return docs


def _phase(raw: Mapping[str, Any], origin: str) -> Phase:
    activities: list[ActivityDef] = []
    for i, a in enumerate(raw["activities"]):
        where = f"activities[{i}]"
        number = a["number"]
        if not isinstance(number, str) or not _NUMBER.match(number):
            raise _bad(origin, f"{where}: number {number!r} must look like 1 or 1.2")
        parent = a.get("parent")
        activities.append(
            ActivityDef(
                number=number,
                key=_key(a["key"], where, origin),
                title=_text(a["title"], f"{where}.title", origin),
                parent=None if parent is None else _key(parent, f"{where}.parent", origin),
            )
        )
    if not activities:
        raise _bad(origin, "the phase has no activities")
    by_key = {a.key: a for a in activities}
    if len(by_key) != len(activities):
        raise _bad(origin, "activity keys must be unique")
    if len({a.number for a in activities}) != len(activities):
        raise _bad(origin, "activity numbers must be unique")
    for a in activities:
        if a.parent is None:
            continue
        parent = by_key.get(a.parent)
        if parent is None:
            raise _bad(origin, f"activity {a.number}: parent {a.parent!r} does not exist")
        # One level of nesting keeps "done when its sub-activities are done" well defined.
        if parent.parent is not None:
            raise _bad(origin, f"activity {a.number}: sub-activities cannot have sub-activities")
        if not a.number.startswith(parent.number + "."):
            raise _bad(origin, f"activity {a.number}: number must start with {parent.number}.")
    m = raw["milestone"]
    milestone = Milestone(
        key=str(m["key"]),
        name=_text(m["name"], "milestone.name", origin),
        next_phase=_text(m["next_phase"], "milestone.next_phase", origin),
        purpose=_text(m["purpose"], "milestone.purpose", origin),
        prepared_by=_text(m["prepared_by"], "milestone.prepared_by", origin),
        decided_by=_text(m["decided_by"], "milestone.decided_by", origin),
        information=_text(m["information"], "milestone.information", origin),
        documents=_documents(m["documents"], "milestone.documents", origin),
    )
    if not milestone.documents:
        raise _bad(origin, "the milestone needs at least one decision-basis document")
    min_members = raw.get("min_members", 1)
    # bool is an int to Python; `min_members = true` is a typo, not a number.
    if not isinstance(min_members, int) or isinstance(min_members, bool) or min_members < 1:
        raise _bad(origin, f"min_members {min_members!r} must be a whole number of at least 1")
    return Phase(
        key=_key(raw["key"], "key", origin),
        name=_text(raw["name"], "name", origin),
        purpose=_text(raw["purpose"], "purpose", origin),
        activities=tuple(activities),
        deliverables=_documents(raw.get("deliverables", []), "deliverables", origin),
        milestone=milestone,
        min_members=min_members,
    )
