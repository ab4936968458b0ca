"""A workspace's post budget on a clock the test moves: what Slack would count, we count."""

from __future__ import annotations

from bot.outbox.budget import POST_WINDOW, POSTS_PER_WINDOW, Budgets, Scope

TEAM = "T1"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def proven(clock: Clock) -> Budgets:
    """A workspace whose last post was answered, a window ago: its whole budget is free."""
    budgets = Budgets(clock)
    budgets.answered(TEAM, Scope.POST, budgets.take(TEAM, Scope.POST)[2])
    clock.now += 2 * POST_WINDOW
    return budgets


def fill(budgets: Budgets) -> list[float]:
    """A window's worth of posts made, none answered yet: when each was counted."""
    made = []
    for _ in range(POSTS_PER_WINDOW):
        closed, full, at = budgets.take(TEAM, Scope.POST)
        assert (closed, full) == (0, 0)
        made.append(at)
    return made


def test_a_post_still_out_counts_however_long_its_answer_takes() -> None:
    clock = Clock()
    budgets = proven(clock)
    made = fill(budgets)
    # The answers are slow (a busy process): the calls may reach Slack any time until then.
    clock.now += 5 * POST_WINDOW
    closed, full, _ = budgets.take(TEAM, Scope.POST)
    assert closed == 0 and full > 0
    for at in made:
        budgets.answered(TEAM, Scope.POST, at)
    # Answered now: they count from now, so the window is full until they leave it.
    closed, full, _ = budgets.take(TEAM, Scope.POST)
    assert full > POST_WINDOW - 0.01
    clock.now += full
    closed, full, _ = budgets.take(TEAM, Scope.POST)
    assert (closed, full) == (0, 0)


def test_room_comes_when_the_oldest_answer_leaves_the_window() -> None:
    clock = Clock()
    budgets = proven(clock)
    made = fill(budgets)
    budgets.answered(TEAM, Scope.POST, made[0])
    clock.now += 0.3
    for at in made[1:]:
        budgets.answered(TEAM, Scope.POST, at)
    _, full, _ = budgets.take(TEAM, Scope.POST)
    assert abs(full - (POST_WINDOW + 0.05 - 0.3)) < 1e-6  # the margin is budget.MARGIN
    clock.now += full
    assert budgets.take(TEAM, Scope.POST)[:2] == (0, 0)
    # That one is out, the seven answered 0.3 s later are in: full until they leave.
    _, full, _ = budgets.take(TEAM, Scope.POST)
    assert abs(full - 0.3) < 1e-6


def test_a_retry_after_closes_only_that_workspace() -> None:
    clock = Clock()
    budgets = Budgets(clock)
    budgets.refused(TEAM, Scope.POST, 3)
    assert budgets.take(TEAM, Scope.POST)[0] == 3
    assert budgets.take("T2", Scope.POST)[:2] == (0, 0)
    clock.now += 3
    assert budgets.take(TEAM, Scope.POST)[:2] == (0, 0)


def test_until_a_post_is_answered_a_workspace_takes_one_at_a_time() -> None:
    clock = Clock()
    budgets = Budgets(clock)
    assert budgets.admit(TEAM) == 0
    assert budgets.admit(TEAM) > 0  # the first one's answer first
    closed, full, made = budgets.take(TEAM, Scope.POST)
    assert (closed, full) == (0, 0)
    budgets.answered(TEAM, Scope.POST, made)
    budgets.admitted_done(TEAM)
    assert [budgets.admit(TEAM) for _ in range(POSTS_PER_WINDOW - 1)] == [0] * 7


def test_after_a_429_the_workspace_is_probed_again() -> None:
    clock = Clock()
    budgets = proven(clock)
    first, second = (budgets.take(TEAM, Scope.POST)[2] for _ in range(2))
    # The 429 is taken before its call counts as answered, as the sender does.
    budgets.refused(TEAM, Scope.POST, 2)
    budgets.answered(TEAM, Scope.POST, first)
    budgets.answered(TEAM, Scope.POST, second)  # one already out: refused too, by Slack
    assert budgets.take(TEAM, Scope.POST)[0] == 2
    clock.now += 2
    closed, full, probe = budgets.take(TEAM, Scope.POST)
    assert (closed, full) == (0, 0)
    assert budgets.take(TEAM, Scope.POST)[1] > 0  # the probe's answer first
    budgets.answered(TEAM, Scope.POST, probe)
    assert budgets.take(TEAM, Scope.POST)[:2] == (0, 0)


def test_a_filling_window_takes_soon_only_the_posts_that_leave_it_by_then() -> None:
    clock = Clock()
    budgets = proven(clock)
    made = fill(budgets)
    for at in made[:3]:
        budgets.answered(TEAM, Scope.POST, at)
    clock.now += 0.5
    for at in made[3:]:
        budgets.answered(TEAM, Scope.POST, at)
    assert budgets.rooms(0.25) == {TEAM: 0}  # eight in the window, none leaving by then
    clock.now += POST_WINDOW + 0.05 - 0.5 - 0.1  # the first three leave 0.1 s from now
    assert budgets.rooms(0.25) == {TEAM: 3}
    assert budgets.admit(TEAM) > 0  # not yet: they are still in
    budgets.refused(TEAM, Scope.POST, 1)
    assert budgets.rooms(0.25) == {TEAM: 0}  # a Retry-After closes it beyond then
