"""Transactions about people: creating them, language, redelivered updates (their first
contact in a process: storage.first_contact)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from storage.affected import affected
from storage.db import one_statement
from storage.models import (
    Deadline,
    DeadlineStatus,
    ExpressionOfInterest,
    Person,
    table_of,
    utcnow,
)

# Telegram redelivers an unconfirmed update within minutes; after a week of silence it may start
# update ids anew at random, so an old watermark must not swallow new updates.
REDELIVERY_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class PersonView:
    """What the bot needs to know about a person on every update."""

    id: int
    language: str | None
    telegram_language: str | None
    timezone: str | None
    last_update_id: int
    last_update_at: datetime | None
    active_flow: str | None = None
    unreachable: bool = False  # the person had blocked the bot (cleared when they write again)

    def is_redelivery(self, update_id: int, now: datetime) -> bool:
        """Whether this update was already handled (a redelivery after a crash)."""
        if self.last_update_at is None or update_id > self.last_update_id:
            return False
        return now - self.last_update_at < REDELIVERY_WINDOW


def _view(person: Person) -> PersonView:
    return PersonView(
        id=person.id,
        language=person.language,
        telegram_language=person.telegram_language,
        timezone=person.timezone,
        last_update_id=person.last_update_id,
        last_update_at=person.last_update_at,
        active_flow=person.active_flow,
        unreachable=person.unreachable,
    )


_PEOPLE = table_of(Person)
# Built once: building and compiling a statement costs more than running it on SQLite.
_SELECT_VIEW = select(*(_PEOPLE.c[name] for name in PersonView.__dataclass_fields__)).where(
    _PEOPLE.c.id == bindparam("id")
)
VIEW_COLUMNS = [_PEOPLE.c[name] for name in PersonView.__dataclass_fields__]
_INSERT_NEW = {
    "sqlite": sqlite_insert(_PEOPLE)
    .on_conflict_do_nothing(index_elements=["id"])
    .returning(*VIEW_COLUMNS),
    "postgresql": postgresql_insert(_PEOPLE)
    .on_conflict_do_nothing(index_elements=["id"])
    .returning(*VIEW_COLUMNS),
}


def create_person(
    connection: Connection,
    *,
    person_id: int,
    first_name: str,
    username: str | None,
    telegram_language: str | None,
) -> tuple[PersonView, bool]:
    """Insert the person met for the first time (storage.first_contact looked and found no row);
    whether this call created it: then nothing else is stored about them yet."""
    now = utcnow()
    # Two processes may meet the same person at once: the second insert does nothing.
    row = connection.execute(
        _INSERT_NEW[connection.dialect.name],
        {
            "id": person_id,
            "first_name": first_name[:256],
            "username": username,
            "telegram_language": telegram_language,
            "unreachable": False,
            "last_update_id": 0,
            "created_at": now,
            "updated_at": now,
        },
    ).first()
    if row is not None:
        return PersonView(**row._asdict()), True
    return PersonView(**connection.execute(_SELECT_VIEW, {"id": person_id}).one()._asdict()), False


def set_language(*, session: Session, person_id: int, language: str) -> PersonView:
    """Remember the language the person chose."""
    person = session.get_one(Person, person_id)
    person.language = language
    session.commit()
    return _view(person)


def record_update(person: Person, update_id: int | None, now: datetime) -> None:
    """Note, inside the caller's transaction, that this update has had its effect."""
    if update_id is not None and update_id > person.last_update_id:
        person.last_update_id = update_id
        person.last_update_at = now


def highest_update_id(*, session: Session) -> int:
    """The highest update id that has had its effect (a person's, or an expression of
    interest's, which records its own); 0: none yet."""
    return max(
        session.execute(select(func.max(col(table.last_update_id)))).scalar_one_or_none() or 0
        for table in (Person, ExpressionOfInterest)
    )


def mark_handled(*, session: Session, person_id: int, update_id: int, now: datetime) -> PersonView:
    """Record an update that changed nothing else, so that a redelivery is dropped."""
    person = session.get_one(Person, person_id)
    record_update(person, update_id, now)
    session.commit()
    return _view(person)


_SET_ACTIVE_FLOW = (
    update(_PEOPLE)
    .where(_PEOPLE.c.id == bindparam("person_id"))
    .values(active_flow=bindparam("flow"))
)


@one_statement
def set_active_flow(*, connection: Connection, person_id: int, flow: str | None) -> None:
    """Remember which flow asked the person its question last (it takes their typed text)."""
    connection.execute(_SET_ACTIVE_FLOW, {"person_id": person_id, "flow": flow})


def person_returned(*, session: Session, person_id: int) -> bool:
    """The person who had blocked the bot wrote again: they are reachable, and their open
    deadlines get their reminders planned anew (the dispatcher's reconcile run does that).

    Returns whether the flag was set (one UPDATE; nothing else happens otherwise).
    """
    cleared = session.execute(
        update(Person)
        .where(col(Person.id) == person_id, col(Person.unreachable).is_(True))
        .values(unreachable=False)
    )
    if not affected(cleared):
        session.commit()
        return False
    session.execute(
        update(Deadline)
        .where(col(Deadline.person_id) == person_id, col(Deadline.status) == DeadlineStatus.OPEN)
        .values(planned_for=None)
    )
    session.commit()
    return True


def names_of(*, session: Session, person_ids: Iterable[int]) -> dict[int, str]:
    """How people are called (first name, and @username when they have one), by id."""
    found = session.execute(
        select(col(Person.id), col(Person.first_name), col(Person.username)).where(
            col(Person.id).in_(list(person_ids))
        )
    ).all()
    return {
        person_id: " ".join(filter(None, (first_name, f"@{username}" if username else None)))
        for person_id, first_name, username in found
    }
