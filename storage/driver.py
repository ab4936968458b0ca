"""Statements sent straight through the database driver, beside the ORM, on the ack's path.

A status, a status change and a vote click answer while Slack waits (3 s, and the person
watching). Through the ORM each statement costs about 0.4 ms of CPU before it reaches the
driver (building the select, the ORM's execute path, the result's processors); the driver
alone costs a tenth of that, and psycopg prepares a statement it has seen five times on a
connection, so the server parses it once. Those few statements are written here once, as SQL,
and run on the session's own connection, inside its transaction: the ORM keeps everything
else, and a unit of work can mix both.

SQL is written in psycopg's style (`%s`); SQLite's driver gets the same text with `?`. Values
come back as each driver gives them, so what differs (dates and times in SQLite are text,
JSON too) is converted here, by `day`, `utc` and `json_value`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

Row = tuple[Any, ...]


class Sql:
    """One statement, in each driver's parameter style."""

    __slots__ = ("postgresql", "sqlite")

    def __init__(self, text: str) -> None:
        self.postgresql = " ".join(text.split())
        # No statement here holds a literal `%s` or `?`: parameters only.
        self.sqlite = self.postgresql.replace("%s", "?")


class Cursor:
    """A driver's cursor: on a session's connection (and so in its transaction), or on one of
    its own for reads alone (`storage.db.Database.driver_reading`)."""

    __slots__ = ("_cursor", "_sqlite")

    def __init__(self, driver_connection: Any, *, sqlite: bool) -> None:
        self._sqlite = sqlite
        self._cursor = driver_connection.cursor()

    @classmethod
    def of(cls, session: Session) -> Cursor:
        connection = session.connection()
        driver = connection.connection.driver_connection
        assert driver is not None
        return cls(driver, sqlite=connection.dialect.name == "sqlite")

    def rows(self, sql: Sql, params: Sequence[Any] = ()) -> list[Row]:
        self._cursor.execute(sql.sqlite if self._sqlite else sql.postgresql, params)
        return list(self._cursor.fetchall())

    def row(self, sql: Sql, params: Sequence[Any] = ()) -> Row | None:
        self._cursor.execute(sql.sqlite if self._sqlite else sql.postgresql, params)
        found: Row | None = self._cursor.fetchone()
        return found

    def run(self, sql: Sql, params: Sequence[Any] = ()) -> int:
        """A write; the rows it changed."""
        self._cursor.execute(sql.sqlite if self._sqlite else sql.postgresql, params)
        count: int = self._cursor.rowcount
        return count

    def stamp(self, value: datetime) -> Any:
        """A UTC time as the column stores it (storage.types.UtcDateTime): naive on SQLite."""
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware (UTC) datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if self._sqlite else value


def day(value: Any) -> date | None:
    """A DATE column's value: SQLite's driver gives its text."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def utc(value: Any) -> datetime | None:
    """A UtcDateTime column's value, aware and in UTC: SQLite's driver gives naive text."""
    if value is None:
        return None
    found = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return found.replace(tzinfo=UTC) if found.tzinfo is None else found.astimezone(UTC)


def json_value(value: Any) -> Any:
    """A JSON column's value: psycopg decodes it, SQLite's driver gives its text."""
    return json.loads(value) if isinstance(value, str) else value
