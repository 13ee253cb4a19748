"""PostgreSQL: a table's whole row as one column value (its row type), read back as the row.

A statement that returns rows of several tables side by side (storage.first_contact) would
otherwise carry every column of every table, about 200: the driver describes each column anew
on every execution, and the statement's text was 16 KB. Selected as one whole-row value a table
costs one column (the statement: 19 columns, 3.5 KB). asyncpg, which runs the bot's calls
(storage/pg_loop.py), learns a row type by itself, once per connection, and reads such a value
as a record with its columns' names; this module turns it into the row as SQLAlchemy would have
read its columns, and handles a row type that changed while the bot serves.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Iterable, Mapping
from types import SimpleNamespace
from typing import Any, TypeVar

import asyncpg
from sqlalchemy import Connection, Dialect, Table
from sqlalchemy.exc import DBAPIError

from storage.db import RunAgain

logger = logging.getLogger(__name__)
T = TypeVar("T")


class RowTypes:
    """The row types of some tables, which a statement selects as whole-row columns."""

    def __init__(self, tables: Iterable[Table]) -> None:
        self.names = tuple(sorted({table.name for table in tables}))

    def read(self, connection: Connection, run: Callable[[], T]) -> T:
        """run() (which reads whole-row values) on an asyncpg connection.

        If a table changed since the connection learnt its row type (a migration added a
        column while the bot was serving), asyncpg raises OutdatedSchemaCacheError, after which
        the statements SQLAlchemy prepared on that connection are closed: the connection is
        thrown away and RunAgain makes Database.run run the call again on a new one, which
        learns the row types anew. So run() must be the call's first statement, or come after
        nothing it wrote (first_contact: the read, then the insert of someone new).
        """
        if not isinstance(connection.connection.driver_connection, asyncpg.Connection):
            raise TypeError(
                "whole-row values are read on asyncpg: run this through Database.run "
                f"(not on {type(connection.connection.driver_connection).__name__})"
            )
        try:
            return run()
        except DBAPIError as error:
            if not isinstance(error.orig, Exception) or not isinstance(
                error.orig.__cause__, asyncpg.OutdatedSchemaCacheError
            ):
                raise
            logger.warning(
                "row types of %s changed; the call runs again on a new connection (%s)",
                self.names,
                error.orig,
            )
            connection.invalidate()
            raise RunAgain(f"row types of {self.names} changed") from error


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
    this dialect adapts it (None where there is none: the driver's own types are the result;
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
