"""Block Kit and mrkdwn as the playground page shows them, and nothing hostile gets through."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from bot.emulator import render

NAMES = render.Directory(
    users={"U1": "Anna Andersson", "UX": '<img src=x onerror="alert(1)">'},
    channels={"C1": "kommunen-x", "CX": "<script>alert(1)</script>"},
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("*fet* text", "<strong>fet</strong> text"),
        ("_kursiv_", "<em>kursiv</em>"),
        ("~struken~", "<del>struken</del>"),
        ("`kod`", "<code>kod</code>"),
        ("*1.2* _Beslutad_", "<strong>1.2</strong> <em>Beslutad</em>"),
        ("ej_aktuell och 2*3*4", "ej_aktuell och 2*3*4"),
        ("*<@U1>*", '<strong><span class="mention" data-user="U1">@Anna Andersson</span></strong>'),
        ("<@U9|okand>", '<span class="mention" data-user="U9">@okand</span>'),
        ("<#C1>", '<a href="#" class="channel-link" data-channel="C1">#kommunen-x</a>'),
        ("<!here>", '<span class="mention">@here</span>'),
        (
            "<https://x.se/a?b=1&amp;c=2|Driftplan>",
            '<a href="https://x.se/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">'
            "Driftplan</a>",
        ),
        ("a &lt;b&gt; &amp; c", "a &lt;b&gt; &amp; c"),
        (":white_check_mark: Klar :okand:", "✅ Klar :okand:"),
        ("rad 1\nrad 2", "rad 1\nrad 2"),
    ],
)
def test_mrkdwn(text: str, expected: str) -> None:
    assert render.mrkdwn(text, NAMES) == expected


HOSTILE = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "<javascript:alert(1)|klicka>",
    "<@UX>",
    "<#CX>",
    "*<script>*",
    "`</code><script>`",
    "```<svg onload=alert(1)>```",
]


class Markup(HTMLParser):
    """Every tag and attribute in a piece of HTML, as a browser would parse it."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(name, value or "") for name, value in attrs]


RENDERER_TAGS = {"strong", "em", "del", "code", "pre", "span", "a", "div", "button", "h3", "hr"}
RENDERER_TAGS |= {"label", "textarea", "input"}


def assert_harmless(html: str) -> None:
    """Only tags the renderer writes, no event handlers, and no link a script could hide in."""
    markup = Markup(html)
    assert set(markup.tags) <= RENDERER_TAGS, markup.tags
    assert not [name for name, _ in markup.attrs if name.startswith("on")], markup.attrs
    hrefs = [value for name, value in markup.attrs if name == "href"]
    assert all(h == "#" or h.startswith(("https://", "http://", "mailto:")) for h in hrefs)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_and_names_are_escaped(text: str) -> None:
    assert_harmless(render.mrkdwn(text, NAMES))


def test_a_javascript_link_is_shown_as_text_not_as_a_link() -> None:
    html = render.mrkdwn("<javascript:alert(1)|klicka>", NAMES)
    assert html == '<span class="link-blocked">klicka</span>'


def test_hostile_values_in_blocks_are_escaped_everywhere() -> None:
    evil = '"><script>alert(1)</script>'
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": evil}},
        {
            "type": "section",
            "block_id": evil,
            "text": {"type": "mrkdwn", "text": evil},
            "fields": [{"type": "plain_text", "text": evil}],
            "accessory": {
                "type": "button",
                "action_id": evil,
                "value": evil,
                "text": {"type": "plain_text", "text": evil},
            },
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": evil}]},
        {"type": evil},
        {
            "type": "input",
            "block_id": "reason",
            "label": {"type": "plain_text", "text": evil},
            "element": {
                "type": "plain_text_input",
                "action_id": "text",
                "initial_value": evil,
                "placeholder": {"type": "plain_text", "text": evil},
            },
        },
    ]
    html = render.blocks(blocks, NAMES, {"reason": evil})
    assert_harmless(html)
    # Every place the value went shows it as text: eleven places; in the mrkdwn section text
    # `<script>` is an angle token (Slack would have sent `&lt;`), shown as a blocked link.
    assert html.count("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;") == 11


def test_blocks_render_readably() -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Projekt: X"}},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "*1.2* Driftavtal"},
            "fields": [
                {"type": "mrkdwn", "text": "*Ansvarig*"},
                {"type": "plain_text", "text": "Erik"},
            ],
            "accessory": {
                "type": "button",
                "action_id": "activity_done",
                "value": "7",
                "style": "primary",
                "text": {"type": "plain_text", "text": "Klar"},
            },
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "_not_"}]},
        {"type": "divider"},
        {
            "type": "actions",
            "block_id": "act",
            "elements": [
                {"type": "button", "action_id": "a", "text": {"type": "plain_text", "text": "A"}},
                {"type": "static_select", "action_id": "s"},
            ],
        },
    ]
    html = render.blocks(blocks, NAMES)
    assert '<h3 class="bk-header">Projekt: X</h3>' in html
    assert "<strong>1.2</strong> Driftavtal" in html
    assert '<div class="bk-f"><strong>Ansvarig</strong></div><div class="bk-f">Erik</div>' in html
    assert (
        '<button type="button" class="bk-button bk-primary" data-action-id="activity_done" '
        'data-block-id="b1" data-value="7">Klar</button>'
    ) in html
    assert '<div class="bk-context"><span><em>not</em></span></div>' in html
    assert '<hr class="bk-divider">' in html
    assert 'data-action-id="a" data-block-id="act">A</button>' in html
    assert "[static_select]" in html


def test_a_modal_input_is_a_field_named_by_block_and_action_with_its_error() -> None:
    blocks = [
        {
            "type": "input",
            "block_id": "reason",
            "label": {"type": "plain_text", "text": "Varför?"},
            "element": {"type": "plain_text_input", "action_id": "text", "multiline": True},
        }
    ]
    html = render.blocks(blocks, NAMES, {"reason": "Ange en orsak"})
    assert '<textarea class="bk-field" data-block-id="reason" data-action-id="text"' in html
    assert '<div class="bk-error" role="alert">Ange en orsak</div>' in html


def test_a_message_without_blocks_shows_its_text() -> None:
    assert render.message_body("hej *du*", [], NAMES) == (
        '<div class="bk-text">hej <strong>du</strong></div>'
    )


def test_a_shared_file_is_a_link_to_its_bytes_and_its_name_is_escaped() -> None:
    shared = {
        "url_private": "http://127.0.0.1:1/files/F1/a.pdf",
        "title": "Protokoll",
        "name": "a.pdf",
    }
    html = render.files([shared])
    assert 'href="http://127.0.0.1:1/files/F1/a.pdf"' in html and "Protokoll" in html
    evil = {"url_private": "javascript:alert(1)", "title": "<script>x</script>", "name": "<b>"}
    assert_harmless(render.files([evil]))
    assert "javascript:" not in render.files([evil])
