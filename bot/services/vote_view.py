"""A vote as its rules see it (bot.domain.decision.VoteView), from its rows: the ORM's objects
or the plain rows a click and a redraw read on the driver (storage.votes.VoteRow)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.domain.count import Referral
from bot.domain.decision import VoteView, split_ballots
from bot.domain.jav import Jav
from bot.domain.seats import Forhinder, SteeringGroup, serving
from bot.domain.voting import CloseReason
from bot.services.context import Services
from bot.services.unit import row_id
from storage import meeting, open_votes, projects
from storage import votes as store
from storage.driver import Tx
from storage.models import Project, Vote
from storage.project_rows import ProjectHead
from storage.votes import VoteRow


def view_of(
    services: Services,
    session: Tx,
    vote: Vote | VoteRow,
    project: Project | ProjectHead,
    stored: Mapping[str, str] | None = None,
) -> VoteView:
    """The vote as its rules see it; `stored` are its ballots when the caller read them."""
    vote_id = row_id(vote)
    return _view(
        services,
        vote,
        project,
        projects.documents_of(session=session, project_id=row_id(project)),
        meeting.javs(session=session, vote_id=vote_id),
        meeting.absences(session=session, vote_id=vote_id),
        store.ballots(session=session, vote_id=vote_id) if stored is None else stored,
    )


def open_views(
    services: Services, session: Tx, team_id: str
) -> list[tuple[VoteView, ProjectHead, list[tuple[int, Jav]]]]:
    """Every open vote of the workspace as its rules see it, with its jäv questions by id and
    its project, read in five statements (storage.open_votes), for the Home tab."""
    found = open_votes.of_team(session=session, team_id=team_id)
    views = []
    for vote, project in found.votes:
        questions = found.jav_questions.get(vote.id, [])
        view = _view(
            services,
            vote,
            project,
            found.documents.get(project.id, {}),
            [jav for _, jav in questions],
            found.absences.get(vote.id, []),
            found.ballots.get(vote.id, {}),
        )
        views.append((view, project, questions))
    return views


def _view(
    services: Services,
    vote: Vote | VoteRow,
    project: Project | ProjectHead,
    documents: Mapping[str, str],
    javs: Sequence[Jav],
    absences: Sequence[Forhinder],
    ballots: Mapping[str, str],
) -> VoteView:
    phase = services.phase(project.phase_key)
    group = SteeringGroup(tuple(vote.members), tuple(vote.substitutes or ()), vote.chair_id)
    absent = tuple(absences)
    return VoteView(
        vote_id=row_id(vote),
        team_id=project.team_id,
        project_name=project.name,
        project_channel=project.channel_id,
        lead_id=project.lead_id,
        milestone=phase.milestone,
        documents=tuple((d, documents.get(d.key)) for d in phase.milestone.documents),
        seating=serving(group, javs, absent),
        ballots=split_ballots(ballots),
        channel_id=vote.channel_id,
        message_ts=vote.message_ts,
        opened_by=vote.opened_by,
        opened_at=vote.opened_at,
        deadline=vote.deadline,
        is_open=vote.status == store.OPEN,
        closed_at=vote.closed_at,
        closed_by=vote.closed_by,
        close_reason=CloseReason(vote.close_reason) if vote.close_reason else None,
        proposal=vote.proposal or phase.milestone.proposal.sv,
        presenter=vote.presenter_id,
        coopted=tuple(vote.coopted or ()),
        forhinder=absent,
        referral=Referral.stored(vote.referral),
    )
