"""What the sender's next claim takes of each workspace: a window's worth at most, and of a
workspace whose window is filling, the posts it takes soon; none of one whose budget is spent."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.outbox.budget import POSTS_PER_WINDOW, Budgets
from bot.services.delivery import Claimed
from bot.services.outbox_events import PACED

# Events of one workspace held at most: about what its budget posts in one window, so that
# every workspace has its next posts at hand and none fills the backlog for the others.
PER_TEAM = POSTS_PER_WINDOW
# Of a workspace whose window is filling, what it takes within this long: more of its events
# would wait in the backlog for most of a second while others' windows are open (figure 6:
# six workspaces' 48 events held there for 0.9 s, and no claim could be made for the rest).
AHEAD = 0.25


@dataclass(frozen=True)
class Shares:
    skip: set[str]  # none of theirs: PER_TEAM held already, or their budget spent
    caps: dict[str, int]  # fewer posts than PER_TEAM of theirs: what their windows take soon
    opens: float  # seconds until the soonest spent budget has room again

    def capped(self, claimed: Sequence[Claimed]) -> bool:
        """Whether a claim took the most it takes of some workspace: PER_TEAM of its events,
        or its cap of posts."""
        taken = Counter(event.team_id for event in claimed)
        posts = Counter(event.team_id for event in claimed if event.kind in PACED)
        return any(n >= PER_TEAM for n in taken.values()) or any(
            posts[team] >= cap for team, cap in self.caps.items()
        )


def shares(held: Counter[str], budgets: Budgets) -> Shares:
    """The next claim's shares, `held` being how many events of each workspace are held."""
    spent = budgets.spent()
    skip = {team for team, n in held.items() if n >= PER_TEAM} | set(spent)
    caps: dict[str, int] = {}
    for team, room in budgets.rooms(AHEAD).items():
        share = min(PER_TEAM, room) - held[team]
        if team in skip or share >= PER_TEAM:
            continue
        if share > 0:
            caps[team] = share
        else:
            skip.add(team)
    return Shares(skip, caps, min(spent.values(), default=math.inf))
