"""PostgreSQL: a table's whole row as one column value (its row type), read back as the row.

A statement that returns rows of several tables side by side (storage.first_contact) would
otherwise carry every column of every table, about 200: psycopg describes each column anew on
every execution, and the statement's text (16 KB) is past psycopg's cache of converted queries
(4,096 characters), so it was parsed again every time too. Selected as one whole-row value a
table costs one column (the statement: 19 columns, 3.5 KB). psycopg reads such a value as a
named tuple once it knows the row type (psycopg.types.composite, its public means for composite
types); this module teaches a connection the row types and turns a value into the row as
SQLAlchemy would have read its columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from psycopg.types.composite import CompositeInfo, register_composite
from sqlalchemy import Connection, Dialect, Table, text

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


def know_row_types(connection: Connection, tables: Iterable[Table]) -> None:
    """Teach this connection's psycopg the tables' row types. Once per connection (the flag
    lives in its `info`, which SQLAlchemy clears when it reconnects), with one catalog query
    sent like any other statement, so a connection found dead there is replaced and the call
    runs again (storage.db.Database.call). When first needed rather than at connect: the tables
    must exist, and the bot migrates before it serves."""
    names = sorted({table.name for table in tables})
    flag = f"row_types:{','.join(names)}"
    if connection.info.get(flag):
        return
    found = connection.execute(_ROW_TYPES, {"names": names}).all()
    if len(found) != len(names):
        raise LookupError(f"row types of {names}: found only {[row[0] for row in found]}")
    driver = connection.connection.driver_connection
    for name, oid, array_oid, field_names, field_types in found:
        info = CompositeInfo(name, oid, array_oid, field_names=field_names, field_types=field_types)
        register_composite(info, driver)
    connection.info[flag] = True


def row_of(value: Any, table: Table, dialect: Dialect) -> SimpleNamespace | None:
    """A whole-row value (a named tuple, see know_row_types) as the row's columns, each
    converted as SQLAlchemy converts that column's value; None stays None. By name, not by
    position: the row type has the columns in the database's order, which a migration that
    added a column may have made differ from the model's."""
    if value is None:
        return None
    convert = _converters(table, dialect)
    return SimpleNamespace(
        **{
            column: found if (to := convert.get(column)) is None else to(found)
            for column, found in value._asdict().items()
        }
    )


def _converters(table: Table, dialect: Dialect) -> dict[str, Any]:
    """SQLAlchemy's conversion of each column's value as the driver gives it (None where there
    is none: psycopg's own types are the result; UTCDateTime adds the time zone), made once."""
    key = (table.name, dialect.name)
    found = _CONVERTERS.get(key)
    if found is None:
        found = _CONVERTERS[key] = {
            column.name: column.type.result_processor(dialect, None) for column in table.columns
        }
    return found


_CONVERTERS: dict[tuple[str, str], dict[str, Any]] = {}
