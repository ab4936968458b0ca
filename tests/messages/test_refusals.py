"""The refusals that keep the bot from speaking where it does not belong, in both languages."""

from __future__ import annotations

import pytest

from bot.domain.errors import DomainError, ErrorCode
from messages import error_message

CASES = [
    (
        DomainError(ErrorCode.NAME_TAKEN, name="Kommunen X", channel="C1"),
        "Det finns redan ett projekt som heter *Kommunen X* i arbetsytan, i <#C1>.",
        "There is already a project named *Kommunen X* in this workspace, in <#C1>.",
    ),
    (
        DomainError(ErrorCode.NOT_IN_CHANNEL, channels="C2,C3"),
        "Du är inte medlem i <#C2>, <#C3>",
        "You are not a member of <#C2>, <#C3>",
    ),
    (
        DomainError(ErrorCode.TOO_MANY_CHANNELS, limit="10", count="11"),
        "Det är 11 kanaler; ett beslut meddelas i högst 10.",
        "That is 11 channels; a decision is announced in at most 10.",
    ),
    (
        DomainError(ErrorCode.STEERING_TOO_LARGE, limit="50", count="51"),
        "Det är 51 personer; en styrgrupp har högst 50 ledamöter.",
        "That is 51 people; a steering group has at most 50 members.",
    ),
]


@pytest.mark.parametrize(("err", "sv", "en"), CASES)
def test_each_refusal_names_what_and_why_and_that_nothing_changed(
    err: DomainError, sv: str, en: str
) -> None:
    for lang, expected, unchanged in (
        ("sv", sv, "Inget ändrades."),
        ("en", en, "Nothing was changed."),
    ):
        text = error_message(err, lang).text
        assert expected in text and unchanged in text
