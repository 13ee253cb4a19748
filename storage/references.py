"""Reference numbers like EOI-2026-0042, counted per prefix and year without gaps or twins."""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.models import ReferenceCounter

_COUNTER = ReferenceCounter.__table__
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


def next_reference(session: Session | Connection, prefix: str, year: int) -> str:
    """The next reference for prefix and year, inside the caller's transaction.

    The UPDATE takes the counter row's lock (PostgreSQL) or the database's write lock (SQLite),
    so two submissions at once get different numbers.
    """
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


def last_number(session: Session, prefix: str, year: int) -> int:
    """The last number handed out (0 if none)."""
    found = session.execute(
        select(ReferenceCounter.last).where(
            ReferenceCounter.prefix == prefix, ReferenceCounter.year == year
        )
    ).scalar_one_or_none()
    return found or 0
