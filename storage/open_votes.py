"""Every open vote of a workspace with what its view needs, for the Home tab: one statement
per kind of row (votes, documents, jäv, förhinder, ballots), not one per vote.

Each Home tab asks which votes wait for its person. Read vote by vote, an owner in a workspace
of 32 open votes cost 160 statements per refresh (a burst of the sender's and the database's
CPU beside every change it follows); read here, five.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from bot.domain.jav import Jav
from bot.domain.seats import Forhinder
from storage.driver import Cursor, Sql, Tx
from storage.meeting import jav_of, row_at
from storage.project_rows import ProjectHead
from storage.votes import OPEN, VoteRow, open_votes_of_team


class OpenVotes(NamedTuple):
    votes: list[tuple[VoteRow, ProjectHead]]  # by deadline, then id
    documents: dict[int, dict[str, str]]  # by project id
    jav_questions: dict[int, list[tuple[int, Jav]]]  # by vote id, each with its question id
    absences: dict[int, list[Forhinder]]  # by vote id
    ballots: dict[int, dict[str, str]]  # by vote id


# Each joins the team's open votes: fixed text, so psycopg prepares it after five runs.
_DOCUMENTS = Sql(
    """SELECT document.project_id, document.key, document.url FROM document
    WHERE document.project_id IN (SELECT vote.project_id FROM vote JOIN project
    ON project.id = vote.project_id WHERE project.team_id = %s AND vote.status = %s)"""
)
_JAVS = Sql(
    """SELECT jav.vote_id, jav.id, jav.member, jav.ground, jav.motivation, jav.raised_by,
    jav.at, jav.ruled_javig, jav.ruled_by, jav.ruled_at
    FROM jav JOIN vote ON vote.id = jav.vote_id JOIN project ON project.id = vote.project_id
    WHERE project.team_id = %s AND vote.status = %s ORDER BY jav.id"""
)
_ABSENCES = Sql(
    """SELECT forhinder.vote_id, forhinder.member, forhinder.at
    FROM forhinder JOIN vote ON vote.id = forhinder.vote_id
    JOIN project ON project.id = vote.project_id
    WHERE project.team_id = %s AND vote.status = %s ORDER BY forhinder.id"""
)
_BALLOTS = Sql(
    """SELECT ballot.vote_id, ballot.user_id, ballot.choice
    FROM ballot JOIN vote ON vote.id = ballot.vote_id JOIN project ON project.id = vote.project_id
    WHERE project.team_id = %s AND vote.status = %s"""
)


def of_team(*, session: Tx, team_id: str) -> OpenVotes:
    cursor = Cursor.of(session)
    votes = open_votes_of_team(session=session, team_id=team_id)
    if not votes:
        return OpenVotes([], {}, {}, {}, {})
    params = (team_id, OPEN)
    documents: defaultdict[int, dict[str, str]] = defaultdict(dict)
    for project_id, key, url in cursor.rows(_DOCUMENTS, params):
        documents[project_id][key] = url
    questions: defaultdict[int, list[tuple[int, Jav]]] = defaultdict(list)
    for row in cursor.rows(_JAVS, params):
        questions[row[0]].append((row[1], jav_of(row[2:])))
    absences: defaultdict[int, list[Forhinder]] = defaultdict(list)
    for vote_id, member, at in cursor.rows(_ABSENCES, params):
        absences[vote_id].append(Forhinder(member, row_at(at)))
    ballots: defaultdict[int, dict[str, str]] = defaultdict(dict)
    for vote_id, user_id, choice in cursor.rows(_BALLOTS, params):
        ballots[vote_id][user_id] = choice
    return OpenVotes(votes, dict(documents), dict(questions), dict(absences), dict(ballots))
