"""Reference numbers like EOI-2026-0042, counted per prefix and year without gaps or twins."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.models import ReferenceCounter


def next_reference(session: Session, prefix: str, year: int) -> str:
    """The next reference for prefix and year, inside the caller's transaction.

    The UPDATE takes the counter row's lock (PostgreSQL) or the database's write lock (SQLite),
    so two submissions at once get different numbers.
    """
    counter = ReferenceCounter.__table__
    number = session.execute(
        update(counter)
        .where(counter.c.prefix == prefix, counter.c.year == year)
        .values(last=counter.c.last + 1)
        .returning(counter.c.last)
    ).scalar_one_or_none()
    if number is None:
        try:
            with session.begin_nested():
                session.execute(insert(counter).values(prefix=prefix, year=year, last=1))
            number = 1
        except IntegrityError:  # another transaction created the row first
            number = session.execute(
                update(counter)
                .where(counter.c.prefix == prefix, counter.c.year == year)
                .values(last=counter.c.last + 1)
                .returning(counter.c.last)
            ).scalar_one()
    return f"{prefix}-{year}-{number:04d}"


def last_number(session: Session, prefix: str, year: int) -> int:
    """The last number handed out (0 if none)."""
    found = session.execute(
        select(ReferenceCounter.last).where(
            ReferenceCounter.prefix == prefix, ReferenceCounter.year == year
        )
    ).scalar_one_or_none()
    return found or 0
