"""What every listener is given: the use cases, the people's languages, the sender's wake-up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.services.context import Services
from bot.slack.lifecycle import Installations
from bot.slack.locale import Locales


@dataclass(frozen=True)
class Deps:
    services: Services
    locales: Locales
    # Called after a change queued outgoing messages, so they leave now rather than next tick.
    notify: Callable[[], None]
    # Where an uninstall or a revocation is forgotten: the OAuth store, or the one token.
    installations: Installations
