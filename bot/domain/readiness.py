"""Readiness for the milestone: what is still missing before the steering group may decide."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.domain.activities import ActivityState
from bot.domain.phase import ActivityDef, DocumentDef, Phase


@dataclass(frozen=True, slots=True)
class Readiness:
    activities: tuple[ActivityDef, ...]
    documents: tuple[DocumentDef, ...]
    no_steering_group: bool
    no_chair: bool
    # The ledamot (not the chair) who justerar the record with the chair.
    no_adjuster: bool
    # The template's minimum number of ledamöter, and how many the group has now.
    min_members: int = 1
    member_count: int = 0

    @property
    def too_few_members(self) -> bool:
        """A group exists but is smaller than the template's minimum."""
        return 0 < self.member_count < self.min_members

    @property
    def ready(self) -> bool:
        return not (
            self.activities
            or self.documents
            or self.no_steering_group
            or self.too_few_members
            or self.no_chair
            or self.no_adjuster
        )


def readiness(
    phase: Phase,
    states: Sequence[ActivityState],
    documents: Mapping[str, str],
    members: Sequence[str],
    chair: str | None,
    adjuster: str | None,
) -> Readiness:
    """List exactly what is missing; a parent is covered by listing its open sub-activities.

    The justerare must be a ledamot and not the chair (who justerar anyway): a record is
    justerat by two, so the steering group's decision is not the chair's word alone."""
    return Readiness(
        activities=tuple(
            s.definition
            for s in states
            if s.definition.key not in phase.parent_keys and not s.finished
        ),
        documents=tuple(d for d in phase.milestone.documents if not documents.get(d.key)),
        no_steering_group=not members,
        no_chair=chair is None or chair not in members,
        no_adjuster=adjuster is None or adjuster not in members or adjuster == chair,
        min_members=phase.min_members,
        member_count=len(members),
    )
