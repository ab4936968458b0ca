from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import DomainError, ErrorCode
from bot.domain.text import INVISIBLE, clean, written

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


def test_every_bidi_and_zero_width_control_is_removed() -> None:
    assert set(BIDI + ZERO_WIDTH) == INVISIBLE
    assert clean(f"Godk{BIDI}änn{ZERO_WIDTH}t") == "Godkännt"


def test_controls_go_and_whitespace_controls_still_separate() -> None:
    assert clean("a\x00b\x07c\x0bd\r\ne\tf") == "abc d\ne\tf"


def test_written_trims_and_refuses_what_is_too_long() -> None:
    assert written("  \u200b Väntar på IT \x00 ") == "Väntar på IT"
    with pytest.raises(DomainError) as caught:
        written("å" * 2001)
    assert caught.value.code is ErrorCode.TEXT_TOO_LONG
    assert caught.value.params == {"limit": "2000", "length": "2001"}


@given(st.text())
def test_nothing_invisible_or_nul_survives(text: str) -> None:
    kept = clean(text)
    assert "\x00" not in kept and not INVISIBLE & set(kept)
    assert clean(kept) == kept
