"""Which vote a platform's own gesture means: a reaction to a message, a vote typed in a room.

Slack's buttons carry the vote's id; Matrix's reactions and `rösta` carry only the room and the
message, so the vote is looked up here, from the bot's own database, never from the event.
"""

from __future__ import annotations

from bot.domain.errors import DomainError, ErrorCode
from bot.services.context import Actor, Services
from bot.services.unit import row_id
from storage import projects
from storage import votes as store


def vote_of_message(services: Services, team_id: str, room: str, message_id: str) -> int | None:
    """The open vote whose message in `room` is `message_id`; None if it is no such message."""
    with services.db.reading() as session:
        vote = store.open_vote_in_channel(session=session, team_id=team_id, channel_id=room)
        if vote is None or vote.message_ts != message_id:
            return None
        return row_id(vote)


def open_vote_id(services: Services, actor: Actor, room: str) -> int:
    """The open vote held in `room`, or the open vote of the project bound to `room`."""
    with services.db.reading() as session:
        vote = store.open_vote_in_channel(session=session, team_id=actor.team_id, channel_id=room)
        if vote is None:
            project = projects.project_in_channel(
                session=session, team_id=actor.team_id, channel_id=room
            )
            latest = (
                store.latest_vote(session=session, project_id=row_id(project))
                if project is not None
                else None
            )
            vote = latest if latest is not None and latest.status == store.OPEN else None
        if vote is None:
            raise DomainError(ErrorCode.NO_OPEN_VOTE)
        return row_id(vote)
