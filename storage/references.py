"""Reference numbers like EOI-2026-0042, counted per prefix and year without gaps or twins.

The year is the programme's (German time): a submission at 00:30 on New Year's Day in Bonn is
numbered in the new year, though UTC is still in the old one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.local_time import DEFAULT_ZONE, local
from storage.models import ReferenceCounter, table_of

_COUNTER = table_of(ReferenceCounter)
_NEXT = (
    update(_COUNTER)
    .where(
        _COUNTER.c.prefix == bindparam("counter_prefix"),
        _COUNTER.c.year == bindparam("counter_year"),
    )
    .values(last=_COUNTER.c.last + 1)
    .returning(_COUNTER.c.last)
)
_FIRST = insert(_COUNTER).values(
    prefix=bindparam("counter_prefix"), year=bindparam("counter_year"), last=1
)


def programme_year(now: datetime) -> int:
    """The year a moment falls in at the programme (German time)."""
    return local(now, DEFAULT_ZONE).year


def next_reference(session: Session | Connection, prefix: str, now: datetime) -> str:
    """The next reference for prefix in the programme's year of now, inside the caller's
    transaction.

    The UPDATE takes the counter row's lock (PostgreSQL) or the database's write lock (SQLite),
    so two submissions at once get different numbers.
    """
    year = programme_year(now)
    key = {"counter_prefix": prefix, "counter_year": year}
    connection = session.connection() if isinstance(session, Session) else session
    number = connection.execute(_NEXT, key).scalar_one_or_none()
    if number is None:
        try:
            with session.begin_nested():
                connection.execute(_FIRST, key)
            number = 1
        except IntegrityError:  # another transaction created the row first
            number = connection.execute(_NEXT, key).scalar_one()
    return f"{prefix}-{year}-{number:04d}"
