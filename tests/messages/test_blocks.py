from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from messages.blocks import MAX_HEADER_TEXT, pack, split, title

WORD = st.one_of(
    st.text(alphabet="abcåäö*_", min_size=1, max_size=12),
    st.builds(lambda p: f"<https://x.se/{p}|Driftplan> (x.se)", st.text("abc", max_size=40)),
    st.just("<@U0ANNA>"),
)
LINE = st.builds(lambda q, ws: ("> " if q else "") + " ".join(ws), st.booleans(), st.lists(WORD))


@given(st.lists(LINE, max_size=30), st.integers(min_value=80, max_value=400))
def test_split_loses_nothing_and_breaks_no_link(lines: list[str], limit: int) -> None:
    text = "\n".join(lines)
    pieces = split(text, limit)
    assert all(len(p) <= limit for p in pieces)
    assert words("\n".join(pieces)) == words(text)
    for link in re.findall(r"<[^<>]*>", text):
        assert any(link in piece for piece in pieces), link


def words(text: str) -> list[str]:
    lines = text.split("\n")
    return [w for line in lines for w in (line[2:] if line.startswith("> ") else line).split()]


def test_a_quoted_line_stays_quoted_over_sections() -> None:
    pieces = split("> " + "invändning " * 40, 100)
    assert len(pieces) > 1 and all(p.startswith("> ") for p in pieces)


def test_chunks_are_kept_whole_unless_filling_is_asked() -> None:
    assert pack(["aaa", "bbbb", "c" * 12], 10, sep="|") == ["aaa|bbbb", "c" * 10, "cc"]
    assert pack(["a b", "c d e f"], 8, fill=True) == ["a b\nc d", "e f"]


def test_a_title_too_long_for_a_header_is_shown_whole() -> None:
    long = "Beslut: " + "Ö" * MAX_HEADER_TEXT
    block = title(long)
    assert block["type"] == "section" and block["text"]["text"] == long
    assert title("Beslut")["type"] == "header"
