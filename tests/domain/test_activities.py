"""Parent activities follow their sub-activities; readiness lists exactly what is missing."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.activities import ActivityState, ActivityStatus, progress, with_derived_parents
from bot.domain.activities import derive_status as derive
from bot.domain.readiness import readiness
from bot.phases import load_phase

S = ActivityStatus
PHASE = load_phase()


@pytest.mark.parametrize(
    ("children", "parent"),
    [
        ((S.NOT_STARTED, S.NOT_STARTED, S.NOT_STARTED), S.NOT_STARTED),
        ((S.DONE, S.NOT_STARTED, S.NOT_STARTED), S.IN_PROGRESS),
        ((S.IN_PROGRESS, S.NOT_STARTED, S.NOT_STARTED), S.IN_PROGRESS),
        ((S.DONE, S.DONE, S.DONE), S.DONE),
        ((S.DONE, S.NOT_APPLICABLE, S.DONE), S.DONE),
        ((S.NOT_APPLICABLE, S.NOT_APPLICABLE, S.NOT_APPLICABLE), S.NOT_APPLICABLE),
        ((S.DONE, S.BLOCKED, S.DONE), S.BLOCKED),
        ((S.BLOCKED, S.NOT_STARTED, S.IN_PROGRESS), S.BLOCKED),
    ],
)
def test_parent_status_is_derived(children: tuple[S, ...], parent: S) -> None:
    assert derive(children) is parent


def states(**status: S) -> tuple[ActivityState, ...]:
    raw = [
        ActivityState(a, status.get(a.key.replace("-", "_"), S.NOT_STARTED))
        for a in PHASE.activities
    ]
    return with_derived_parents(PHASE, raw)


def test_stored_parent_status_is_ignored_in_favour_of_children() -> None:
    shown = states(forvaltningsorganisation=S.DONE, driftavtal=S.IN_PROGRESS)
    assert shown[0].status is S.IN_PROGRESS


def test_progress_counts_work_items_not_parents() -> None:
    shown = states(driftavtal=S.DONE, slutrapport=S.NOT_APPLICABLE)
    p = progress(PHASE, shown)
    assert (p.finished, p.total) == (2, 6)
    assert p.bar(6) == "▰▰▱▱▱▱"


def test_readiness_lists_exactly_what_is_missing() -> None:
    shown = states(
        nyttorealiseringsplan=S.DONE,
        driftavtal=S.DONE,
        forvaltningsplan=S.NOT_APPLICABLE,
        overlamning=S.DONE,
        aterstaende_arbete=S.BLOCKED,
    )
    r = readiness(PHASE, shown, {"driftplan": "https://x.se/d"}, ["U1", "U2"], "U3", None)
    assert [a.number for a in r.activities] == ["3", "4"]
    assert [d.key for d in r.documents] == [
        "forvaltningsplan",
        "samverkansavtal",
        "effekthemtagningsplan",
        "slutrapport",
    ]
    assert not r.no_steering_group
    assert r.no_chair  # the chair must be one of the members
    assert r.no_adjuster
    assert not r.ready


def test_ready_when_nothing_is_missing() -> None:
    shown = states(**{a.key.replace("-", "_"): S.DONE for a in PHASE.activities})
    docs = {d.key: f"https://x.se/{d.key}" for d in PHASE.milestone.documents}
    assert readiness(PHASE, shown, docs, ["U1", "U2", "U3"], "U1", "U2").ready


@pytest.mark.parametrize(
    ("adjuster", "missing"),
    [(None, True), ("U1", True), ("U9", True), ("U2", False)],
    ids=["none", "the chair", "not a member", "a ledamot"],
)
def test_readiness_needs_a_justerare_who_is_a_ledamot_and_not_the_chair(
    adjuster: str | None, missing: bool
) -> None:
    """PRODUCT's second round: readiness requires a justerare (the chair no longer justerar
    alone when none is named)."""
    shown = states(**{a.key.replace("-", "_"): S.DONE for a in PHASE.activities})
    docs = {d.key: f"https://x.se/{d.key}" for d in PHASE.milestone.documents}
    r = readiness(PHASE, shown, docs, ["U1", "U2", "U3"], "U1", adjuster)
    assert (r.no_adjuster, r.ready) == (missing, not missing)


@pytest.mark.parametrize(
    ("members", "too_few", "no_group"),
    [
        ([], False, True),
        (["U1"], True, False),
        (["U1", "U2"], True, False),
        (["U1", "U2", "U3"], False, False),
    ],
)
def test_readiness_needs_the_templates_minimum_of_members(
    members: list[str], too_few: bool, no_group: bool
) -> None:
    shown = states(**{a.key.replace("-", "_"): S.DONE for a in PHASE.activities})
    docs = {d.key: f"https://x.se/{d.key}" for d in PHASE.milestone.documents}
    adjuster = members[1] if len(members) > 1 else None
    r = readiness(PHASE, shown, docs, members, members[0] if members else None, adjuster)
    assert PHASE.min_members == 3
    assert (r.too_few_members, r.no_steering_group, r.ready) == (
        too_few,
        no_group,
        len(members) >= 3,
    )


def test_overdue_is_strictly_after_the_due_date_and_never_when_finished() -> None:
    a = PHASE.activities[2]
    assert ActivityState(a, S.IN_PROGRESS, due=date(2026, 11, 26)).overdue(date(2026, 11, 27))
    assert not ActivityState(a, S.IN_PROGRESS, due=date(2026, 11, 27)).overdue(date(2026, 11, 27))
    assert not ActivityState(a, S.DONE, due=date(2026, 11, 1)).overdue(date(2026, 11, 27))
