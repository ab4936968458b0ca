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
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

Row = tuple[Any, ...]

# Who is told of each statement sent here (the statement-count figure, benchmarks.queries):
# SQLAlchemy's own events never see these. Empty, as in production, it costs one check.
WATCHERS: list[Callable[[str], None]] = []


class Sql:
    """One statement, in each driver's parameter style (SQLite's text may differ besides)."""

    __slots__ = ("postgresql", "sqlite")

    def __init__(self, text: str, sqlite: str | None = None) -> None:
        self.postgresql = " ".join(text.split())
        # No statement here holds a literal `%s` or `?`: parameters only.
        self.sqlite = " ".join((sqlite or text).split()).replace("%s", "?")


class Cursor:
    """A driver's cursor: on a session's connection (and so in its transaction), or on one of
    its own for reads alone (`storage.db.Database.driver_reading`)."""

    __slots__ = ("_cursor", "_driver", "sqlite")

    def __init__(self, driver_connection: Any, *, sqlite: bool) -> None:
        self.sqlite = sqlite
        self._driver = driver_connection
        self._cursor = driver_connection.cursor()

    @classmethod
    def of(cls, session: Tx) -> Cursor:
        """The session's: what the ORM holds unwritten is flushed first, since the driver
        neither sees it nor autoflushes. One cursor per session and connection. A cursor is
        its own (a transaction with no session, storage.db.Database.driver_transaction)."""
        if isinstance(session, Cursor):
            return session
        session.flush()
        connection = session.connection()
        driver = connection.connection.driver_connection
        assert driver is not None
        found = session.info.get(_CURSOR)
        if not isinstance(found, Cursor) or found._driver is not driver:
            found = session.info[_CURSOR] = cls(driver, sqlite=connection.dialect.name == "sqlite")
        return found

    def rows(self, sql: Sql, params: Sequence[Any] = ()) -> list[Row]:
        self._cursor.execute(self._text(sql), self._bind(params))
        return list(self._cursor.fetchall())

    def row(self, sql: Sql, params: Sequence[Any] = ()) -> Row | None:
        # All rows, not one: SQLite keeps a statement open until it is read to its end, and
        # an open one (an INSERT … RETURNING) would stop the COMMIT.
        found = self.rows(sql, params)
        return found[0] if found else None

    def run(self, sql: Sql, params: Sequence[Any] = ()) -> int:
        """A write; the rows it changed."""
        self._cursor.execute(self._text(sql), self._bind(params))
        count: int = self._cursor.rowcount
        return count

    def run_many(self, sql: Sql, params: Sequence[Sequence[Any]]) -> int:
        """One write for each set of parameters; the rows they changed, together."""
        if len(params) == 1:  # psycopg's executemany opens a pipeline: dearer for one row
            return self.run(sql, params[0])
        self._cursor.executemany(self._text(sql), [self._bind(p) for p in params])
        count: int = self._cursor.rowcount
        return count

    def _text(self, sql: Sql) -> str:
        text = sql.sqlite if self.sqlite else sql.postgresql
        for watch in WATCHERS:
            watch(text)
        return text

    def _bind(self, params: Sequence[Any]) -> Sequence[Any]:
        """Times and days as the ORM's column types store them (storage.types.UtcDateTime;
        SQLAlchemy's SQLite DATE and DATETIME text), so both write and compare alike."""
        if not any(isinstance(p, date) for p in params):
            return params
        return [_stored(p, self.sqlite) if isinstance(p, date) else p for p in params]


_CURSOR = "storage.driver.cursor"

# A transaction's statements: the ORM's session, or a driver's cursor in a transaction of its
# own with no session (storage.db.Database.driver_transaction). What the ack's path calls takes
# either, since it sends only what `Cursor.of` gives it.
Tx = Session | Cursor


def _stored(value: date, sqlite: bool) -> Any:
    if not isinstance(value, datetime):
        return value.isoformat() if sqlite else value
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: pass an aware (UTC) datetime")
    value = value.astimezone(UTC)
    if not sqlite:
        return value
    # SQLAlchemy's SQLite DATETIME text, microseconds always: rows compare as text there.
    return f"{value:%Y-%m-%d %H:%M:%S}.{value.microsecond:06d}"


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


def json_text(value: Any) -> str:
    """A JSON column's value as the ORM's JSON type writes it (None is JSON's null)."""
    return json.dumps(value)


def json_value(value: Any) -> Any:
    """A JSON column's value: psycopg decodes it, SQLite's driver gives its text."""
    return json.loads(value) if isinstance(value, str) else value
