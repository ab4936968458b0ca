"""The shipped template, and a broken one refused with a message that says where."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.errors import DomainError, ErrorCode
from bot.phases import load_phase

SHIPPED = Path(__file__).resolve().parents[2] / "bot" / "phases" / "etablera-forvaltning.toml"


def test_shipped_template_matches_the_product_table() -> None:
    phase = load_phase()
    assert [(a.number, a.key) for a in phase.activities] == [
        ("1", "forvaltningsorganisation"),
        ("1.1", "nyttorealiseringsplan"),
        ("1.2", "driftavtal"),
        ("1.3", "forvaltningsplan"),
        ("2", "overlamning"),
        ("3", "aterstaende-arbete"),
        ("4", "slutrapport"),
    ]
    assert [c.key for c in phase.children("forvaltningsorganisation")] == [
        "nyttorealiseringsplan",
        "driftavtal",
        "forvaltningsplan",
    ]
    assert [d.key for d in phase.milestone.documents] == [
        "forvaltningsplan",
        "samverkansavtal",
        "driftplan",
        "effekthemtagningsplan",
        "slutrapport",
    ]
    assert [d.name.sv for d in phase.deliverables] == [
        "Förvaltningsplan",
        "Driftplan",
        "Slutrapport",
    ]
    assert phase.milestone.name.sv == "Milstolpe VII"
    assert phase.milestone.next_phase.sv == "Realisera nyttor"
    assert phase.milestone.decided_by.sv.startswith("Styrgrupp")


def test_shipped_template_needs_three_members_to_decide() -> None:
    assert load_phase().min_members == 3


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (('number = "1.1"', 'number = "2"'), "numbers must be unique"),
        (('key = "driftavtal"', 'key = "Drift Avtal"'), "lower-case"),
        (
            (
                'parent = "forvaltningsorganisation"\ntitle = { sv = "Säkerställ förvaltning',
                'parent = "saknas"\ntitle = { sv = "Säkerställ förvaltning',
            ),
            "does not exist",
        ),
        (("[milestone]", "[milestones]"), "missing or malformed field"),
        (('en = "Final report" }', 'en = "" }'), "non-empty texts"),
        (('key = "VII"', 'key = "VII'), "not valid TOML"),
        (("min_members = 3", "min_members = 0"), "min_members 0 must be a whole number"),
        (("min_members = 3", 'min_members = "3"'), "must be a whole number"),
        (("min_members = 3", "min_members = true"), "must be a whole number"),
    ],
)
def test_broken_template_is_refused_clearly(
    tmp_path: Path, change: tuple[str, str], problem: str
) -> None:
    source = SHIPPED.read_text(encoding="utf-8")
    assert change[0] in source
    broken = tmp_path / "broken.toml"
    broken.write_text(source.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(DomainError) as caught:
        load_phase(path=broken)
    assert caught.value.code is ErrorCode.BAD_TEMPLATE
    assert caught.value.params["origin"] == str(broken)
    assert problem in caught.value.params["problem"]
