"""Who may enter a reservation against a decision (Kommunallagen 4 kap. 27 § practice).

Only one who took part in the decision and voted against its outcome may reserve: Avslå when
the outcome is *Godkänd*, Godkänn when it is *Ej godkänd*. Abstaining is not voting against,
and voting for the outcome and then reserving against it would be a contradiction in the record.
*Ej beslutsför* and *Återremitterad* decide nothing, so there is nothing to reserve against.
When reservations may be entered (from the close until the record is justerat) is the
services' business; the reason is optional.
"""

from __future__ import annotations

from bot.domain.count import Outcome, SeatTally


def may_reserve(user: str, outcome: Outcome, result: SeatTally) -> bool:
    """`outcome` is the vote's final outcome (an Återremiss overrides the count's)."""
    if outcome is Outcome.approved:
        return user in result.no
    if outcome is Outcome.rejected:
        return user in result.yes
    return False
