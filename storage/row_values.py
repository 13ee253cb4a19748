"""PostgreSQL: a table's whole row as one column value (its row type), read back as the row.

A statement that returns rows of several tables side by side (storage.first_contact) would
otherwise carry every column of every table, about 200: psycopg describes each column anew on
every execution, and the statement's text (16 KB) is past psycopg's cache of converted queries
(4,096 characters), so it was parsed again every time too. Selected as one whole-row value a
table costs one column (the statement: 19 columns, 3.5 KB). psycopg reads such a value as a
row once it knows the row type (psycopg.types.composite, its public means for composite
types); this module teaches a connection the row types and turns a value into the row as
SQLAlchemy would have read its columns. The bot's own calls run on asyncpg (storage/pg_loop.py),
which learns row types by itself and reads such a value as a record with its columns' names;
psycopg's path serves the command-line tools' synchronous calls.
"""

from __future__ import annotations

import functools
import logging
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import SimpleNamespace
from typing import Any, TypeVar

import asyncpg
import psycopg
from psycopg.types.composite import CompositeInfo, register_composite
from sqlalchemy import Connection, Dialect, Table, text
from sqlalchemy.exc import DBAPIError, ProgrammingError

from storage.db import RunAgain

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Each table's row type with its columns in the database's order (as psycopg's own
# CompositeInfo.fetch finds one type, for all the tables at once).
_ROW_TYPES = text(
    """
    SELECT t.typname, t.oid, t.typarray,
           array_agg(a.attname::text ORDER BY a.attnum),
           array_agg(a.atttypid::int ORDER BY a.attnum)
    FROM pg_type t JOIN pg_attribute a ON a.attrelid = t.typrelid
    WHERE t.typrelid IN (SELECT to_regclass(name) FROM unnest(CAST(:names AS text[])) AS name)
      AND a.attnum > 0 AND NOT a.attisdropped
    GROUP BY t.typname, t.oid, t.typarray
    """
)


class RowTypes:
    """The row types of some tables, which a statement selects as whole-row columns: each
    connection learns them once, before the statement first runs on it."""

    def __init__(self, tables: Iterable[Table]) -> None:
        self.names = tuple(sorted({table.name for table in tables}))
        self._flag = ("row_types", self.names)  # in a connection's `info`

    def read(self, connection: Connection, run: Callable[[], T]) -> T:
        """run() (which reads whole-row values) on the connection, once it knows the row types.

        If a table changed since the connection learnt them (a migration added a column while
        the bot was serving), psycopg cannot load the row: the connection learns them again
        and run() goes once more, rather than the person getting an error.
        """
        if not isinstance(connection.connection.driver_connection, psycopg.Connection):
            return self._read_asyncpg(connection, run)
        self._learn(connection)
        try:
            return run()
        except ProgrammingError as error:
            # psycopg's own error while loading a row (no SQLSTATE: the server had none).
            if not isinstance(error.orig, psycopg.Error) or error.orig.sqlstate is not None:
                raise
            logger.warning("row types of %s changed; learnt again (%s)", self.names, error.orig)
            connection.info.pop(self._flag, None)
            self._learn(connection)
            return run()

    def _read_asyncpg(self, connection: Connection, run: Callable[[], T]) -> T:
        """asyncpg learns row types by itself (once per connection) and reads a row value as a
        record with its columns' names. A row type that changed since is asyncpg's
        OutdatedSchemaCacheError, after which the statements SQLAlchemy prepared on that
        connection are closed: the connection is thrown away and the call runs again on a new
        one (which learns the row types anew)."""
        try:
            return run()
        except DBAPIError as error:
            if not isinstance(error.orig, Exception) or not isinstance(
                error.orig.__cause__, asyncpg.OutdatedSchemaCacheError
            ):
                raise
            logger.warning("row types of %s changed; learnt again (%s)", self.names, error.orig)
            connection.invalidate()
            raise RunAgain(f"row types of {self.names} changed") from error

    def _learn(self, connection: Connection) -> None:
        """Teach this connection's psycopg the row types. Once per connection (the flag lives in
        its `info`, which SQLAlchemy clears when it reconnects), with one catalog query sent
        like any other statement, so a connection found dead there is replaced and the call
        runs again (storage.db.Database.call). When first needed rather than at connect: the
        tables must exist, and the bot migrates before it serves."""
        if connection.info.get(self._flag):
            return
        found = connection.execute(_ROW_TYPES, {"names": list(self.names)}).all()
        if len(found) != len(self.names):
            raise LookupError(f"row types of {self.names}: found only {[r[0] for r in found]}")
        driver = connection.connection.driver_connection
        for name, oid, array_oid, field_names, field_types in found:
            register_composite(
                _info(name, oid, array_oid, tuple(field_names), tuple(field_types)),
                driver,
                _not_a_type,
                make_object=_as_dict,
            )
        connection.info[self._flag] = True


@functools.cache
def _info(
    name: str, oid: int, array_oid: int, field_names: tuple[str, ...], field_types: tuple[int, ...]
) -> CompositeInfo:
    """One CompositeInfo for each version of a row type: psycopg keeps the loaders it makes for
    an info and its make_object without limit, so new ones for every connection would pile up
    with every reconnect."""
    return CompositeInfo(name, oid, array_oid, field_names=field_names, field_types=field_types)


def _as_dict(values: Sequence[Any], info: CompositeInfo) -> dict[str, Any]:
    """A row value as its columns by their names in the database (psycopg's default, a named
    tuple, would rename a column whose name is not a Python identifier)."""
    return dict(zip(info.field_names, values, strict=True))


def _not_a_type(*values: Any) -> Any:
    """The factory register_composite wants; never called (make_object makes the rows). A
    function, not a type, so that psycopg registers no dumper for it."""
    raise NotImplementedError


def row_of(
    value: Mapping[str, Any] | None, table: Table, dialect: Dialect
) -> SimpleNamespace | None:
    """A whole-row value (its columns by name, see RowTypes) as the row, each column converted
    as SQLAlchemy converts that column's value; None stays None. By name, not by position: the
    row type has the columns in the database's order, which a migration that added a column may
    have made differ from the model's."""
    if value is None:
        return None
    convert = _converters(table, dialect)
    return SimpleNamespace(
        **{
            column: found if (to := convert.get(column)) is None else to(found)
            for column, found in value.items()
        }
    )


def _converters(table: Table, dialect: Dialect) -> dict[str, Any]:
    """SQLAlchemy's conversion of each column's value as the driver gives it, with the type as
    this dialect adapts it (None where there is none: psycopg's own types are the result;
    UTCDateTime adds the time zone), made once per dialect."""
    of_dialect = _CONVERTERS.setdefault(dialect, {})
    found = of_dialect.get(table.name)
    if found is None:
        found = of_dialect[table.name] = {
            column.name: column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in table.columns
        }
    return found


_CONVERTERS: weakref.WeakKeyDictionary[Dialect, dict[str, dict[str, Any]]] = (
    weakref.WeakKeyDictionary()
)
