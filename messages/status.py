"""The `status` reply: the whole project on one screen."""

from __future__ import annotations

from functools import lru_cache

from bot.domain.project import ProjectView
from messages.blocks import (
    MAX_BLOCKS_MESSAGE,
    context,
    divider,
    fit,
    header,
    pack,
    section,
    sections,
)
from messages.environment import macros
from messages.ids import BlockId
from messages.message import Message


# A status is asked for again and again while nothing in it changed, and drawing it (the
# templates) costs more than reading it. The view is still read from the database every time;
# only the drawing of an equal view (same rows, same day, same language) is kept.
@lru_cache(maxsize=512)
def status(view: ProjectView, lang: str) -> Message:
    m = macros("status.md.j2", lang)
    lines = [m.activity(s, view.today, view.is_sub_activity(s)).strip() for s in view.activities]
    # Many activities share a section, so even a large template stays within 50 blocks.
    activity_texts = pack(lines, sep="\n\n")
    blocks = [
        header(m.header(view).strip()),
        context(m.summary(view).strip()),
        divider(),
        *(
            section(text, block_id=f"{BlockId.STATUS_ACTIVITIES}_{i}")
            for i, text in enumerate(activity_texts)
        ),
        divider(),
        *sections(m.documents(view).strip(), block_id=BlockId.STATUS_DOCUMENTS),
        section(m.readiness(view).strip(), block_id=BlockId.STATUS_READINESS),
    ]
    if view.undelivered:
        blocks.append(section(m.undelivered(view).strip()))
    return Message(text=m.fallback(view).strip(), blocks=fit(blocks, MAX_BLOCKS_MESSAGE))
