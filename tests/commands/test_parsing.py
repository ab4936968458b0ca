from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands import (
    ALIASES,
    AddCorrection,
    AddNote,
    CloseVote,
    Command,
    DeclareConflict,
    Help,
    Justera,
    LinkDocument,
    LocalDeadline,
    MarkBlocked,
    MarkDoing,
    MarkDone,
    MarkNotApplicable,
    Milestone,
    Mine,
    Minutes,
    NewProject,
    RaiseConflict,
    ReferBack,
    Remind,
    ReportAbsence,
    RequestChange,
    SetAdjuster,
    SetCaseNumber,
    SetChair,
    SetChannels,
    SetCoopted,
    SetDue,
    SetOwner,
    SetPresenter,
    SetProposal,
    SetSchedule,
    SetSteering,
    SetSubstitutes,
    SetVoteChannel,
    Status,
    Subcommand,
)
from bot.domain.errors import DomainError, ErrorCode
from bot.slack.dialect import parse

ANNA = "<@U0ANNA|anna>"
BO = "<@W0BO>"
GENERAL = "<#C0GEN|allmant>"
PRIVATE = "<#G0PRIV|>"

# (Swedish text, English text, expected). Each line is parsed in both languages.
HAPPY: list[tuple[str, str, Command]] = [
    ("hjälp", "help", Help()),
    ("hjälp ansvarig", "help owner", Help(topic=Subcommand.OWNER)),
    ("nytt Anslutning MM", "new Anslutning MM", NewProject(name="Anslutning MM")),
    ("nytt  Räddning &amp; co\n", "new Räddning &amp; co", NewProject(name="Räddning & co")),
    ("status", "status", Status()),
    ("mina", "mine", Mine()),
    (f"ansvarig 1.2 {ANNA}", f"owner 1.2 {ANNA}", SetOwner(activity="1.2", user_id="U0ANNA")),
    (f"ansvarig driftavtal {BO}", f"owner driftavtal {BO}", SetOwner("driftavtal", "W0BO")),
    (f"ansvarig {ANNA} 1.2", f"owner {ANNA} 1.2", SetOwner(activity="1.2", user_id="U0ANNA")),
    ("datum 1.2 2026-05-31", "due 1.2 2026-05-31", SetDue("1.2", date(2026, 5, 31))),
    ("datum 4 2028-02-29", "due 4 2028-02-29", SetDue("4", date(2028, 2, 29))),
    ("klar 1.2", "done 1.2", MarkDone(activity="1.2")),
    ("klar 1.2 avtal signerat", "done 1.2 avtal signerat", MarkDone("1.2", "avtal signerat")),
    (
        "klar 1.2 rad ett\nrad två ",
        "done 1.2 rad ett\nrad två",
        MarkDone("1.2", "rad ett\nrad två"),
    ),
    ("pågår 3", "doing 3", MarkDoing(activity="3")),
    ("pågår 3 snart &lt;klart&gt;", "doing 3 snart &lt;klart&gt;", MarkDoing("3", "snart <klart>")),
    ("blockerad 2 väntar på IT", "blocked 2 väntar på IT", MarkBlocked("2", "väntar på IT")),
    ("ej-aktuell 3 inget kvar", "na 3 inget kvar", MarkNotApplicable("3", "inget kvar")),
    (
        "underlag driftplan <https://x.se/drift?a=1&amp;b=2|Driftplan v2>",
        "doc driftplan <https://x.se/drift?a=1&amp;b=2>",
        LinkDocument(document="driftplan", url="https://x.se/drift?a=1&b=2"),
    ),
    (
        "underlag Förvaltningsplan http://intra.kommun.se/fp",
        "doc Förvaltningsplan <http://intra.kommun.se/fp|fp>",
        LinkDocument(document="Förvaltningsplan", url="http://intra.kommun.se/fp"),
    ),
    (f"styrgrupp {ANNA}", f"steering {ANNA}", SetSteering(user_ids=("U0ANNA",))),
    (
        f"styrgrupp {ANNA} {BO} {ANNA}",
        f"steering {ANNA}, {BO},{ANNA}",
        SetSteering(user_ids=("U0ANNA", "W0BO")),
    ),
    (f"ordförande {ANNA}", f"chair {ANNA}", SetChair(user_id="U0ANNA")),
    (f"styrgruppskanal {GENERAL}", f"vote-channel {GENERAL}", SetVoteChannel("C0GEN")),
    (f"styrgruppskanal {PRIVATE}", f"vote_channel {PRIVATE}", SetVoteChannel("G0PRIV")),
    (
        f"kanaler {GENERAL} {PRIVATE} {GENERAL}",
        f"channels {GENERAL}, {PRIVATE}",
        SetChannels(channel_ids=("C0GEN", "G0PRIV")),
    ),
    ("kanaler <#C0GEN>", "channels <#C0GEN>", SetChannels(channel_ids=("C0GEN",))),
    ("schema mån 09:00", "schedule mån 09:00", SetSchedule(when="mån 09:00")),
    ("schema 0 9 * * 1-5", "schedule  0 9 * * 1-5 ", SetSchedule(when="0 9 * * 1-5")),
    ("påminn", "remind", Remind()),
    ("milstolpe", "milestone", Milestone()),
    (
        "milstolpe 2026-06-01 14:30",
        "milestone 2026-06-01T14:30",
        Milestone(LocalDeadline(day=date(2026, 6, 1), at=time(14, 30))),
    ),
    (
        "milstolpe 2026-06-01 9:05",
        "milestone 2026-06-01 09:05",
        Milestone(LocalDeadline(day=date(2026, 6, 1), at=time(9, 5))),
    ),
    ("jäv", "conflict", DeclareConflict()),
    ("stäng", "close", CloseVote()),
    ("protokoll", "minutes", Minutes()),
    # The meeting's rules (the second round).
    (f"ersättare {ANNA} {BO}", f"substitutes {ANNA}, {BO}", SetSubstitutes(("U0ANNA", "W0BO"))),
    (f"adjungerade {BO}", f"co-opted {BO}", SetCoopted(user_ids=("W0BO",))),
    (f"föredragande {ANNA}", f"presenter {ANNA}", SetPresenter(user_id="U0ANNA")),
    ("förslag godkänna fasen", "proposal godkänna fasen", SetProposal(text="godkänna fasen")),
    ("förhinder", "absent", ReportAbsence()),
    ("återremiss saknar driftplan", "refer-back saknar driftplan", ReferBack("saknar driftplan")),
    ("anteckning jag tvekar", "note jag tvekar", AddNote(text="jag tvekar")),
    (f"justerare {ANNA}", f"adjuster {ANNA}", SetAdjuster(user_id="U0ANNA")),
    ("diarienummer KS 2026/1234", "case-number KS 2026/1234", SetCaseNumber(number="KS 2026/1234")),
    ("rättelse § 1 ska läsas", "correction § 1 ska läsas", AddCorrection(text="§ 1 ska läsas")),
    # Justera and Begär ändring written, where there are no buttons (Matrix) or one would rather.
    ("justera", "approve-minutes", Justera()),
    (
        "ändring § 1 har fel datum",
        "request-change § 1 har fel datum",
        RequestChange("§ 1 har fel datum"),
    ),
    ("jäv part min bror", "conflict party min bror", DeclareConflict("part", "min bror")),
    (
        "jäv 3 satt i nämnden",
        "conflict prior satt i nämnden",
        DeclareConflict("tidigare", "satt i nämnden"),
    ),
    (
        f"jäv {BO} ombud företräder leverantören",
        f"conflict {BO} agent företräder leverantören",
        RaiseConflict(user_id="W0BO", ground="ombud", motivation="företräder leverantören"),
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [pytest.param(sv, want, id=f"sv:{sv[:40]}") for sv, _, want in HAPPY]
    + [pytest.param(en, want, id=f"en:{en[:40]}") for _, en, want in HAPPY],
)
def test_parses(text: str, expected: Command) -> None:
    assert parse(text) == expected


def test_every_subcommand_is_covered() -> None:
    covered = {want.subcommand for _, _, want in HAPPY}
    assert covered == set(Subcommand)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Help()),
        ("   \n\t\u00a0", Help()),
        ("hjalp", Help()),
        ("HJÄLP", Help()),
        ("Help", Help()),
        ("pagar 1", MarkDoing("1")),
        ("PÅGÅR 1", MarkDoing("1")),
        ("ej_aktuell 1 x", MarkNotApplicable("1", "x")),
        ("EJ-AKTUELL 1 x", MarkNotApplicable("1", "x")),
        (f"ordforande {ANNA}", SetChair("U0ANNA")),
        (f"ORDFÖRANDE {ANNA}", SetChair("U0ANNA")),
        (f"Styrgruppskanal {GENERAL}", SetVoteChannel("C0GEN")),
        ("jav", DeclareConflict()),
        ("JÄV", DeclareConflict()),
        ("stang", CloseVote()),
        ("paminn", Remind()),
        ("Milstolpe", Milestone()),
        ("Protokoll", Minutes()),
        ("STATUS", Status()),
        ("hjälp pagar", Help(topic=Subcommand.DOING)),
    ],
)
def test_subcommands_ignore_case_and_diacritics(text: str, expected: Command) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    "separator", [" ", "  ", "\t", "\u00a0", "\n", " \r\n ", "\u202f", "\u2003", "\x0b"]
)
def test_any_whitespace_separates(separator: str) -> None:
    text = separator.join(["ansvarig", "1.2", ANNA])
    assert parse(separator + text + separator) == SetOwner("1.2", "U0ANNA")


def test_control_characters_are_dropped_from_free_text() -> None:
    assert parse("klar 1.2 bra\x00 jobbat\x07") == MarkDone("1.2", "bra jobbat")


def test_bidi_and_zero_width_characters_are_dropped_from_what_people_write() -> None:
    assert parse("klar 1.2 \u202ebra\u200b jobbat\u2066\u061c") == MarkDone("1.2", "bra jobbat")
    assert parse("underlag driftplan https://x.se/\u200ea\ufeff") == LinkDocument(
        "driftplan", "https://x.se/a"
    )


def test_mention_label_may_hold_spaces() -> None:
    assert parse("ordförande <@U0ANNA|anna svensson>") == SetChair("U0ANNA")


def test_link_label_may_hold_spaces() -> None:
    assert parse("underlag slutrapport <https://x.se/r|Slutrapport (utkast)>") == LinkDocument(
        "slutrapport", "https://x.se/r"
    )


def test_activity_is_kept_as_typed() -> None:
    assert parse("klar Återstående-Arbete") == MarkDone("Återstående-Arbete")


# (text, code, expected params that must be among the error's params)
ERRORS: list[tuple[str, ErrorCode, dict[str, str]]] = [
    ("hjälpa", ErrorCode.UNKNOWN_SUBCOMMAND, {"value": "hjälpa"}),
    ("statsu", ErrorCode.UNKNOWN_SUBCOMMAND, {"value": "statsu", "suggestions": "status"}),
    ("foo", ErrorCode.UNKNOWN_SUBCOMMAND, {"value": "foo", "suggestions": "hjälp, help"}),
    ("@anna", ErrorCode.UNKNOWN_SUBCOMMAND, {"value": "@anna"}),
    ("hjälp foo", ErrorCode.UNKNOWN_SUBCOMMAND, {"value": "foo"}),
    ("help owner due", ErrorCode.TOO_MANY_ARGUMENTS, {"value": "due", "usage": "help"}),
    ("nytt", ErrorCode.NAME_REQUIRED, {"usage": "new"}),
    ("new \u00a0 \n", ErrorCode.NAME_REQUIRED, {"usage": "new"}),
    ("nytt " + "x" * 121, ErrorCode.NAME_TOO_LONG, {"limit": "120", "length": "121"}),
    ("status foo", ErrorCode.TOO_MANY_ARGUMENTS, {"value": "foo", "usage": "status"}),
    ("mina alla", ErrorCode.TOO_MANY_ARGUMENTS, {"usage": "mine"}),
    ("mine all", ErrorCode.TOO_MANY_ARGUMENTS, {"usage": "mine"}),
    ("påminn x", ErrorCode.TOO_MANY_ARGUMENTS, {"value": "x", "usage": "remind"}),
    ("justera nu", ErrorCode.TOO_MANY_ARGUMENTS, {"value": "nu", "usage": "justera"}),
    ("ändring", ErrorCode.MISSING_ARGUMENT, {"usage": "request_change"}),
    ("remind x y", ErrorCode.TOO_MANY_ARGUMENTS, {"value": "x y", "usage": "remind"}),
    # The second round: `jäv [grund] [motivering]`, so a first word that is no ground is refused.
    ("jäv nu", ErrorCode.BAD_GROUND, {"usage": "conflict"}),
    ("conflict now", ErrorCode.BAD_GROUND, {"usage": "conflict"}),
    ("stäng nu", ErrorCode.TOO_MANY_ARGUMENTS, {"usage": "close"}),
    ("close now", ErrorCode.TOO_MANY_ARGUMENTS, {"usage": "close"}),
    ("protokoll pdf", ErrorCode.TOO_MANY_ARGUMENTS, {"usage": "minutes"}),
    ("minutes pdf", ErrorCode.TOO_MANY_ARGUMENTS, {"usage": "minutes"}),
    ("ansvarig", ErrorCode.MISSING_ARGUMENT, {"argument": "activity", "usage": "owner"}),
    ("owner 1.2", ErrorCode.MISSING_ARGUMENT, {"argument": "person", "usage": "owner"}),
    (f"owner {ANNA}", ErrorCode.MISSING_ARGUMENT, {"argument": "activity", "usage": "owner"}),
    ("ansvarig 1.2 @anna", ErrorCode.RAW_MENTION, {"value": "@anna", "usage": "owner"}),
    ("owner @anna 1.2", ErrorCode.RAW_MENTION, {"value": "@anna"}),
    ("ansvarig 1.2 anna", ErrorCode.BAD_MENTION, {"value": "anna"}),
    ("ansvarig 1.2 <!here>", ErrorCode.BAD_MENTION, {"value": "<!here>"}),
    ("ansvarig 1.2 <@u0anna>", ErrorCode.BAD_MENTION, {"value": "<@u0anna>"}),
    ("ansvarig 1.2 <@C0GEN>", ErrorCode.BAD_MENTION, {}),
    (f"ansvarig 1.2 {GENERAL}", ErrorCode.BAD_MENTION, {}),
    ("ansvarig 1.2 <!subteam^S01|@styr>", ErrorCode.BAD_MENTION, {}),
    (f"owner 1.2 {ANNA} {BO}", ErrorCode.TOO_MANY_ARGUMENTS, {"value": BO, "usage": "owner"}),
    ("datum", ErrorCode.MISSING_ARGUMENT, {"argument": "activity", "usage": "due"}),
    ("due 1.2", ErrorCode.MISSING_ARGUMENT, {"argument": "date", "usage": "due"}),
    ("datum 1.2 2026-13-01", ErrorCode.BAD_DATE, {"value": "2026-13-01"}),
    ("due 1.2 2026-02-29", ErrorCode.BAD_DATE, {"value": "2026-02-29"}),
    ("datum 1.2 2026-04-31", ErrorCode.BAD_DATE, {}),
    ("datum 1.2 0000-01-01", ErrorCode.BAD_DATE, {}),
    ("datum 1.2 31/5", ErrorCode.BAD_DATE, {}),
    ("datum 1.2 20260531", ErrorCode.BAD_DATE, {}),
    ("datum 1.2 2026-5-31", ErrorCode.BAD_DATE, {}),
    ("datum 1.2 ٢٠٢٦-٠٥-٣١", ErrorCode.BAD_DATE, {}),
    ("due 1.2 2026-05-31 12:00", ErrorCode.TOO_MANY_ARGUMENTS, {"value": "12:00"}),
    ("klar", ErrorCode.MISSING_ARGUMENT, {"argument": "activity", "usage": "done"}),
    ("done", ErrorCode.MISSING_ARGUMENT, {"argument": "activity", "usage": "done"}),
    ("klar 1.2 " + "x" * 2001, ErrorCode.TEXT_TOO_LONG, {"limit": "2000", "length": "2001"}),
    ("pågår", ErrorCode.MISSING_ARGUMENT, {"argument": "activity", "usage": "doing"}),
    ("doing", ErrorCode.MISSING_ARGUMENT, {"argument": "activity", "usage": "doing"}),
    ("doing 1 " + "å" * 2001, ErrorCode.TEXT_TOO_LONG, {}),
    ("blockerad", ErrorCode.MISSING_ARGUMENT, {"argument": "activity", "usage": "blocked"}),
    ("blockerad 1.2", ErrorCode.REASON_REQUIRED, {"usage": "blocked"}),
    ("blocked 1.2 \n\t", ErrorCode.REASON_REQUIRED, {"usage": "blocked"}),
    ("blocked 1.2 " + "x" * 2001, ErrorCode.TEXT_TOO_LONG, {}),
    ("ej-aktuell", ErrorCode.MISSING_ARGUMENT, {"argument": "activity", "usage": "na"}),
    ("ej-aktuell 3", ErrorCode.REASON_REQUIRED, {"usage": "na"}),
    ("na 3", ErrorCode.REASON_REQUIRED, {"usage": "na"}),
    ("underlag", ErrorCode.MISSING_ARGUMENT, {"argument": "document", "usage": "doc"}),
    ("doc driftplan", ErrorCode.MISSING_ARGUMENT, {"argument": "url", "usage": "doc"}),
    ("underlag driftplan x.se/a", ErrorCode.BAD_URL, {"value": "x.se/a"}),
    ("underlag driftplan <mailto:a@x.se|a@x.se>", ErrorCode.BAD_URL, {"value": "mailto:a@x.se"}),
    ("doc driftplan ftp://x.se/a", ErrorCode.BAD_URL, {}),
    ("doc driftplan https://", ErrorCode.BAD_URL, {}),
    ("doc driftplan <https:///path>", ErrorCode.BAD_URL, {}),
    ("doc driftplan http://[::1", ErrorCode.BAD_URL, {}),
    ("doc driftplan <https://x.se/a b>", ErrorCode.BAD_URL, {}),
    (f"doc driftplan {ANNA}", ErrorCode.BAD_URL, {}),
    ("doc driftplan https://x.se/" + "a" * 2000, ErrorCode.TEXT_TOO_LONG, {"limit": "2000"}),
    ("doc driftplan https://intra.kommun.se@evil.example/a", ErrorCode.BAD_URL, {}),
    ("doc driftplan <https://anna:hemligt@x.se/a>", ErrorCode.BAD_URL, {}),
    ("doc driftplan https://x.se/a|Driftplan", ErrorCode.BAD_URL, {}),
    ("doc driftplan https://x.se/a\u00a0b", ErrorCode.TOO_MANY_ARGUMENTS, {}),
    ("doc driftplan https://x.se/a https://x.se/b", ErrorCode.TOO_MANY_ARGUMENTS, {}),
    ("styrgrupp", ErrorCode.MISSING_ARGUMENT, {"argument": "people", "usage": "steering"}),
    ("steering , ,", ErrorCode.MISSING_ARGUMENT, {"argument": "people"}),
    (f"styrgrupp {ANNA} @bo", ErrorCode.RAW_MENTION, {"value": "@bo", "usage": "steering"}),
    (f"steering {ANNA} och {BO}", ErrorCode.BAD_MENTION, {"value": "och"}),
    ("ordförande", ErrorCode.MISSING_ARGUMENT, {"argument": "person", "usage": "chair"}),
    ("chair @anna", ErrorCode.RAW_MENTION, {"value": "@anna", "usage": "chair"}),
    ("chair anna", ErrorCode.BAD_MENTION, {"value": "anna"}),
    (f"chair {ANNA} {BO}", ErrorCode.TOO_MANY_ARGUMENTS, {"usage": "chair"}),
    ("styrgruppskanal", ErrorCode.MISSING_ARGUMENT, {"argument": "channel"}),
    ("vote-channel #styrgrupp", ErrorCode.BAD_CHANNEL, {"value": "#styrgrupp"}),
    (f"vote-channel {ANNA}", ErrorCode.BAD_CHANNEL, {"usage": "vote_channel"}),
    ("vote-channel <#D0DM>", ErrorCode.BAD_CHANNEL, {}),
    (f"vote-channel {GENERAL} {PRIVATE}", ErrorCode.TOO_MANY_ARGUMENTS, {}),
    ("kanaler", ErrorCode.MISSING_ARGUMENT, {"argument": "channels", "usage": "channels"}),
    (f"channels {GENERAL} #drift", ErrorCode.BAD_CHANNEL, {"value": "#drift"}),
    ("channels junk", ErrorCode.BAD_CHANNEL, {"value": "junk"}),
    ("schema", ErrorCode.MISSING_ARGUMENT, {"argument": "when", "usage": "schedule"}),
    ("schedule  \t", ErrorCode.MISSING_ARGUMENT, {"argument": "when"}),
    ("milstolpe 2026-06-01", ErrorCode.BAD_DATETIME, {"value": "2026-06-01"}),
    ("milestone 2026-06-01 25:00", ErrorCode.BAD_DATETIME, {"value": "2026-06-01 25:00"}),
    ("milestone 2026-06-01 24:00", ErrorCode.BAD_DATETIME, {}),
    ("milestone 2026-06-01 14:60", ErrorCode.BAD_DATETIME, {}),
    ("milestone 2026-02-30 14:00", ErrorCode.BAD_DATETIME, {}),
    ("milestone imorgon", ErrorCode.BAD_DATETIME, {"value": "imorgon"}),
    ("milestone 14:00 2026-06-01", ErrorCode.BAD_DATETIME, {}),
    ("milestone 2026-06-01 14:00 CET", ErrorCode.TOO_MANY_ARGUMENTS, {"value": "CET"}),
]


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [pytest.param(t, c, p, id=f"{c.value}:{t[:40]}") for t, c, p in ERRORS],
)
def test_refuses(text: str, code: ErrorCode, params: dict[str, str]) -> None:
    with pytest.raises(DomainError) as caught:
        parse(text)
    assert caught.value.code is code
    assert params.items() <= caught.value.params.items()


def test_echoed_values_are_clipped() -> None:
    with pytest.raises(DomainError) as caught:
        parse("x" * 5000)
    assert len(caught.value.params["value"]) <= 100


def test_unknown_subcommand_suggests_both_languages_when_close() -> None:
    with pytest.raises(DomainError) as caught:
        parse("milstolp")
    assert caught.value.params["suggestions"].split(", ")[0] == "milstolpe"


def test_aliases_are_unique_after_normalizing() -> None:
    from bot.domain.naming import normalize

    words = [normalize(alias) for aliases in ALIASES.values() for alias in aliases]
    assert len(words) == len(set(words))
    assert set(ALIASES) == set(Subcommand)


# Property tests: whatever Slack sends, parse answers with a command or a DomainError.

WORDS = [alias for aliases in ALIASES.values() for alias in aliases]
FRAGMENTS = st.one_of(
    st.sampled_from(
        [
            ANNA,
            BO,
            GENERAL,
            PRIVATE,
            "@anna",
            "#allmant",
            "<@",
            "<#",
            "<",
            ">",
            "|",
            "<>",
            "<|>",
            "<@U1|",
            "<https://x.se|a b>",
            "<https://x.se>",
            "https://x.se/a",
            "http://[::1",
            "<mailto:a@x.se>",
            "&amp;",
            "&lt;",
            "1.2",
            "driftavtal",
            "2026-06-01",
            "2026-02-30",
            "14:00",
            "25:99",
            ",",
            "",
        ]
    ),
    st.text(max_size=12),
    st.from_regex(r"<[@#!][A-Z0-9a-z|^ ]{0,10}>", fullmatch=True),
)
SEPARATORS = st.sampled_from([" ", "  ", "\t", "\n", "\u00a0", "\r\n", ""])


@st.composite
def commandish(draw: st.DrawFn) -> str:
    head = draw(st.sampled_from(WORDS))
    if draw(st.booleans()):
        head = head.upper()
    parts = [head]
    for fragment in draw(st.lists(FRAGMENTS, max_size=6)):
        parts.append(draw(SEPARATORS))
        parts.append(fragment)
    return "".join(parts)


def _outcome(text: str) -> Command | DomainError:
    # Anything but a DomainError escapes here and fails the test.
    try:
        return parse(text)
    except DomainError as error:
        return error


def _parses_or_refuses(text: str) -> None:
    outcome = _outcome(text)
    if isinstance(outcome, DomainError):
        assert isinstance(outcome.code, ErrorCode)
        assert all(isinstance(v, str) for v in outcome.params.values())
    else:
        assert outcome is not None
        assert isinstance(outcome.subcommand, Subcommand)


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_any_text_parses_or_refuses(text: str) -> None:
    _parses_or_refuses(text)


@settings(max_examples=400, deadline=None)
@given(
    st.text(
        alphabet=st.characters(
            categories=["Cc", "Cf", "Cs", "Zs", "Zl", "Zp", "Mn", "Ll", "Lu", "Nd", "Po", "Sm"]
        )
    )
)
def test_control_and_odd_characters_parse_or_refuse(text: str) -> None:
    _parses_or_refuses(text)


@settings(max_examples=500, deadline=None)
@given(commandish())
def test_commandish_text_parses_or_refuses(text: str) -> None:
    _parses_or_refuses(text)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(WORDS), st.text())
def test_subcommand_with_any_arguments_parses_or_refuses(word: str, rest: str) -> None:
    _parses_or_refuses(f"{word} {rest}")
