"""The demo workspace's people and channels: who plays which part in a connection project."""

from __future__ import annotations

from dataclasses import dataclass

from bot.emulator.state import WorkspaceState

TEAM_NAME = "Kommunen X"
BOT_NAME = "Förvaltningsbot"


@dataclass(frozen=True)
class Person:
    handle: str
    real_name: str
    role: str
    locale: str = "sv-SE"


@dataclass(frozen=True)
class ChannelSpec:
    name: str
    members: tuple[str, ...]


# Anna first: a fresh page shows the first person, and the project lead is where a story starts.
# Erik reads Slack in English, so the bot's English is one click away.
PEOPLE: tuple[Person, ...] = (
    Person("anna", "Anna Andersson", "projektledare"),
    Person("erik", "Erik Eriksson", "project member, owner (English)", "en-US"),
    Person("sara", "Sara Svensson", "aktivitetsansvarig, förvaltningsledare"),
    Person("johan", "Johan Lind", "aktivitetsansvarig, IT-drift"),
    Person("karin", "Karin Berg", "styrgruppens ordförande"),
    Person("lars", "Lars Nilsson", "styrgruppsledamot"),
    Person("maria", "Maria Holm", "styrgruppsledamot"),
    Person("per", "Per Olsson", "intressent, förvaltningsorganisationen"),
    Person("ingrid", "Ingrid Åberg", "styrgruppens första ersättare"),
    Person("olle", "Olle Sund", "styrgruppens andra ersättare"),
    Person("nils", "Nils Ek", "adjungerad i styrgruppen, controller"),
)

PROJECT_TEAM = ("anna", "erik", "sara", "johan")
STEERING_GROUP = ("karin", "lars", "maria")
SUBSTITUTES = ("ingrid", "olle")  # in turn order: Ingrid steps in first
CO_OPTED = ("nils",)
EVERYONE = tuple(p.handle for p in PEOPLE)

CHANNELS: tuple[ChannelSpec, ...] = (
    ChannelSpec("kommunen-x", EVERYONE),
    ChannelSpec("styrgrupp", ("anna", *STEERING_GROUP, *SUBSTITUTES, *CO_OPTED)),
    ChannelSpec("forvaltning", ("anna", "sara", "per")),
    ChannelSpec("drift", ("anna", "johan", "per")),
    ChannelSpec("allmant", EVERYONE),
)


@dataclass(frozen=True)
class Directory:
    """Ids the fake workspace gave the roster, by handle and by channel name."""

    people: dict[str, str]
    channels: dict[str, str]
    roles: dict[str, str]


def populate(state: WorkspaceState) -> Directory:
    """Add the roster to a fresh fake workspace."""
    state.team.name = TEAM_NAME
    state.users[state.bot.user_id].real_name = BOT_NAME
    people = {
        p.handle: state.add_user(p.handle, real_name=p.real_name, locale=p.locale) for p in PEOPLE
    }
    channels = {
        c.name: state.add_channel(c.name, members=[people[h] for h in c.members]) for c in CHANNELS
    }
    roles = {people[p.handle]: p.role for p in PEOPLE}
    return Directory(people=people, channels=channels, roles=roles)
