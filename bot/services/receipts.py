"""A ballot's receipt: what it confirms, read when the sender takes it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.decision import CONFLICT, VoteSubject
from bot.services.context import Services
from storage import votes as store


@dataclass(frozen=True, slots=True)
class Receipt:
    subject: VoteSubject
    choice: str | None  # None: nothing left to confirm (the ballot gave way to a jäv)


def receipt(services: Services, vote_id: int, voter: str, queued: str) -> Receipt | None:
    """What a receipt confirms, read when it is sent (None: the vote is gone). It names the
    vote, not the whole view (documents, jäv, förhinder, ballots: most of what the sender
    spent on it). A ballot's receipt folds the clicks made before the sender took it
    (outbox_events.ballot_receipt), so it confirms the ballot as stored now, the last of them,
    never a choice since changed; a jäv's receipt confirms the jäv it was queued for."""
    with services.db.driver_reading() as cursor:
        found = store.vote_subject(cursor=cursor, vote_id=vote_id, voter=voter)
    if found is None:
        return None
    milestone = services.phase(found.phase_key).milestone
    subject = VoteSubject(vote_id, found.project_name, milestone, found.channel_id)
    if queued == CONFLICT:
        return Receipt(subject, CONFLICT)
    return Receipt(subject, None if found.ballot in (None, CONFLICT) else found.ballot)
