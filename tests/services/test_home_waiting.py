"""What waits for one person on the Home tab, across every open vote of the workspace: read in
a few statements for all the votes at once, each vote must still be seen as its own read sees
it, with its own jäv, förhinder, ballots and documents and nobody else's."""

from __future__ import annotations

from bot.domain.jav import JavGround
from bot.domain.voting import Choice
from bot.services import activities, jav, votes
from bot.services.context import Actor, Services
from tests.services.support import ANNA, CHANNEL, ERIK, MARIA, SARA, ready_project

OTHER_TEAM_LEAD = Actor("T0002", ANNA.user_id)


def _open(services: Services, lead: Actor, channel: str) -> int:
    result = votes.open_milestone(services, lead, channel)
    assert isinstance(result, votes.VoteOpened)
    return result.vote.vote_id


def test_each_open_vote_waits_for_whom_its_own_rows_say(services: Services) -> None:
    ready_project(services, "Kommunen X", CHANNEL)
    ready_project(services, "Kommunen Y", "CY")
    ready_project(services, "Kommunen Z", "CZ")
    ready_project(services, "Kommunen W", "CW", lead=OTHER_TEAM_LEAD)
    x, y, z = (_open(services, ANNA, c) for c in (CHANNEL, "CY", "CZ"))
    other = _open(services, OTHER_TEAM_LEAD, "CW")
    # X: Erik has voted; Sara (the chair) has jäv raised about her, waiting for a ruling.
    votes.cast(services, ERIK, x, Choice.yes)
    jav.raise_about(services, ANNA, CHANNEL, SARA.user_id, JavGround.part, "Delägare i bolaget")
    # Y: Maria cannot take part, Sara has voted; Y's driftplan is another document.
    jav.report_absence(services, MARIA, vote_id=y)
    votes.cast(services, SARA, y, Choice.abstain)
    activities.link_document(services, ANNA, "CY", "driftplan", "https://y.se/driftplan")
    # Z: everyone has voted but Sara, then Z is closed: it waits for nobody's ballot.
    votes.cast(services, ERIK, z, Choice.no)
    votes.cast(services, MARIA, z, Choice.yes)
    votes.close_vote(services, SARA, vote_id=z)

    waiting = {
        who.user_id: jav.waiting_for(services, ANNA.team_id, who.user_id)
        for who in (ANNA, ERIK, SARA, MARIA)
    }

    def cast_by(user: str) -> list[int]:
        return sorted(v.vote_id for v in waiting[user].to_cast)

    assert cast_by(ERIK.user_id) == [y]  # voted in X
    assert cast_by(SARA.user_id) == []  # suspended in X while the jäv about her waits; voted in Y
    assert cast_by(MARIA.user_id) == [x]  # förhinder in Y
    assert cast_by(ANNA.user_id) == []  # not in the steering group
    assert other not in {v.vote_id for w in waiting.values() for v in w.to_cast}
    # The jäv about the chair is ruled by the projektledare (the chair cannot rule on herself).
    ruled = [(view.vote_id, raised.member) for view, raised, _ in waiting[ANNA.user_id].to_rule]
    assert ruled == [(x, SARA.user_id)]
    assert all(not waiting[u.user_id].to_rule for u in (ERIK, SARA, MARIA))
    # Each vote as the Home tab saw it is the vote as its own read sees it.
    for view in {v.vote_id: v for w in waiting.values() for v in w.to_cast}.values():
        assert view == votes.vote_view(services, view.vote_id)
    seen_y = next(v for v in waiting[ERIK.user_id].to_cast if v.vote_id == y)
    linked = {document.key: url for document, url in seen_y.documents}
    assert linked["driftplan"] == "https://y.se/driftplan"
