"""How many statements a request costs is behaviour: it must not grow with the template."""

from __future__ import annotations

from benchmarks.harness import BOT_TOKEN, workspace
from benchmarks.queries import big_phase, count_statements
from benchmarks.surfaces import MARK, STATUS
from bot.emulator import FakeSlack
from bot.phases import load_phase


def test_big_template_is_the_shipped_one_ten_times() -> None:
    shipped, big = load_phase(), big_phase(copies=10)
    assert len(big.activities) == 10 * len(shipped.activities) == 70
    assert len(big.parent_keys) == 10 * len(shipped.parent_keys)
    assert big.milestone == shipped.milestone
    assert big.key != shipped.key


def test_status_and_a_status_change_cost_as_many_statements_for_70_activities_as_for_7(
    database_url: str,
) -> None:
    with FakeSlack(token=BOT_TOKEN) as fake:
        ws = workspace(fake, 2)
        small, big = (
            count_statements(fake, ws, database_url, phase, channel=i, repeats=2)
            for i, phase in enumerate([load_phase(), big_phase()])
        )
        assert fake.errors == []
    for surface in (STATUS.name, MARK.name):
        assert small.per_request[surface] == big.per_request[surface], surface
        assert len(set(small.per_request[surface])) == 1, surface
    # One statement per table read, not one per activity: project, activities, documents,
    # members, the latest decision (for undelivered announcements), and SQLite's BEGIN.
    assert small.per_request[STATUS.name][0] <= 6
