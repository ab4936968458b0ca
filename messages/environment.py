"""The one Jinja2 configuration every message is rendered with, one environment per language.

Slack's mrkdwn is not HTML: only `&`, `<` and `>` need escaping, so there is no autoescape and a
`mrkdwn` filter that templates apply to everything a user typed. The one HTML template (the PDF
export's) gets the same configuration with autoescape on: `html_environment`.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.domain.calendar import STOCKHOLM
from messages.i18n import translations

TEMPLATES = Path(__file__).parent / "templates"


def mrkdwn(value: object) -> str:
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]<>()#+-.!|~"})


def md(value: object) -> str:
    """Text for a Markdown file: every character Markdown could read as markup escaped."""
    return " ".join(str(value).translate(_MARKDOWN_SPECIAL).split())


def md_url(value: object) -> str:
    """A URL inside <…>: only the characters that would end or break the autolink escaped."""
    return str(value).replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")


def user(user_id: str | None) -> str:
    """A mention Slack turns into the person's name in their own client."""
    return f"<@{mrkdwn(user_id)}>" if user_id else "–"


def channel(channel_id: str | None) -> str:
    return f"<#{mrkdwn(channel_id)}>" if channel_id else "–"


def said(value: object) -> str:
    """What a person wrote, as a quote: every line starts with `>`, so however it is written
    (a `*Beslut*` line, an italic closed early) it reads as theirs, not as the bot's."""
    lines = mrkdwn(value).strip().split("\n")
    return "\n".join(f"> {line}" if line.strip() else ">" for line in lines)


def host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def link(url: str, label: str) -> str:
    """A link with its host beside it, so the reader sees where it goes before clicking."""
    # `|` and `>` would end the link early; Slack has no escape for `|` inside a label.
    shown = f"<{mrkdwn(url)}|{mrkdwn(label).replace('|', '¦')}>"
    where = host(url)
    return f"{shown} ({mrkdwn(where)})" if where and where != label else shown


def day(value: date | None) -> str:
    return value.isoformat() if value else "–"


def local_time(value: datetime) -> str:
    return value.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")


def iso_local(value: str) -> str:
    """An ISO timestamp as stored in a record, shown in Swedish time."""
    return local_time(datetime.fromisoformat(value))


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        autoescape=False,  # noqa: S701  (mrkdwn, not HTML: see the module docstring)
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        mrkdwn=mrkdwn,
        user=user,
        channel=channel,
        day=day,
        local_time=local_time,
        iso_local=iso_local,
        md=md,
        md_url=md_url,
        said=said,
        host=host,
    )
    env.globals.update(link=link, lang=lang)
    return env


def macros(template: str, lang: str, **context: Any) -> Any:
    """The template's macros, each rendering one piece (a block's text) of the message."""
    if not context:
        return _plain_macros(template, lang)
    return environment(lang).get_template(template).make_module(context)


@cache
def _plain_macros(template: str, lang: str) -> Any:
    """A template's macros without a context, made once: making the module runs the whole
    template, which a message with a button per activity would otherwise do for each."""
    return environment(lang).get_template(template).make_module({})


def json_text(value: object) -> str:
    """A JSON value as a reader sees it: åäö as they are (the HTML escaping is Jinja's)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@cache
def html_environment(lang: str) -> Environment:
    """The same templates, filters and translations with HTML autoescape: for export.html.j2.

    An overlay with its own cache, so a template compiled for mrkdwn (vote.md.j2's macros) is
    compiled again with escaping rather than shared.
    """
    env = environment(lang).overlay(autoescape=True, cache_size=50)
    env.filters = {**env.filters, "json_text": json_text}  # a copy: the mrkdwn one stays as is
    return env


def html_macros(template: str, lang: str) -> Any:
    return html_environment(lang).get_template(template).make_module({})
