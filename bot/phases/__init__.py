"""Phase templates shipped with the bot, loaded by name."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from bot.domain.phase import Phase, parse_phase

DEFAULT_PHASE = "etablera-forvaltning"


def load_phase(name: str = DEFAULT_PHASE, *, path: Path | None = None) -> Phase:
    """Load a template shipped in the package, or from `path` when an organisation adapts one."""
    if path is not None:
        return parse_phase(path.read_text(encoding="utf-8"), origin=str(path))
    resource = resources.files(__package__).joinpath(f"{name}.toml")
    return parse_phase(resource.read_text(encoding="utf-8"), origin=f"{name}.toml")
