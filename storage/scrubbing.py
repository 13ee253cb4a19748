"""What names or reaches a person in the records the programme keeps, and how it is replaced
on erasure (storage.erasure): their names, username, e-mail addresses and phone numbers, found
in their own records, and their Telegram id."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from storage.advisor_tables import AdvisorSession
from storage.experts_tables import ActivityReport, Deployment, ProgressReport
from storage.models import ExpressionOfInterest, Person, table_of

# What replaces a personal value in a record the programme keeps.
ERASED = "[erased]"

# A telephone number as people type one: +49 228 123456, 0228/123456, 0049-228-1234 (not a date).
_PHONE = re.compile(r"(?<![\w.])(?:\+|0)\d[\d \-/()]{5,}\d(?![\w.])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


class Scrubber:
    """Replaces the person's identifiers (names, username, e-mail, phone) in text and JSON by
    ERASED, and their Telegram id by the erasure's pseudonym (keys stay unique)."""

    def __init__(self, identifiers: Iterable[str], *, person_id: int, pseudonym: int) -> None:
        words = {w.strip() for w in identifiers if w and len(w.strip()) >= 2}
        words.add(str(person_id))
        alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        self._id, self._pseudonym = str(person_id), str(pseudonym)

    def _replace(self, found: re.Match[str]) -> str:
        return self._pseudonym if found.group(0) == self._id else ERASED

    def value(self, value: Any) -> Any:
        """Any JSON value with every string scrubbed."""
        if isinstance(value, str):
            return self._pattern.sub(self._replace, value)
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        return value

    def row(self, row: SQLModel) -> None:
        """Scrub every text and JSON column of an ORM row in place (not its reference)."""
        for column in table_of(type(row)).columns:
            if column.primary_key or column.name == "reference":
                continue
            old = getattr(row, column.name)
            if isinstance(old, str | list | dict):
                new = self.value(old)
                if new != old:
                    setattr(row, column.name, new)


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | dict):
        for item in value.values() if isinstance(value, dict) else value:
            yield from _strings(item)


def identifiers(session: Session, person: Person | None, person_id: int) -> list[str]:
    """Everything that names or reaches the person, as stored in their records: names,
    username, e-mail addresses and phone numbers they typed anywhere."""
    found: list[str] = []
    if person is not None:
        found += [person.first_name, *(person.first_name or "").split()]
        if person.username:
            found += [person.username, "@" + person.username]
    records: list[SQLModel] = []
    for table in (ExpressionOfInterest, ActivityReport, ProgressReport, AdvisorSession):
        records += session.exec(select(table).where(col(table.person_id) == person_id)).all()
    for eoi in records:
        if isinstance(eoi, ExpressionOfInterest):
            found += [eoi.contact_name or "", *(eoi.contact_name or "").split()]
    for deployment in session.exec(
        select(Deployment).where(col(Deployment.expert_id) == person_id)
    ):
        found += [deployment.expert_name or "", *(deployment.expert_name or "").split()]
    for record in records:
        for column in table_of(type(record)).columns:
            for text in _strings(getattr(record, column.name)):
                found += _PHONE.findall(text) + _EMAIL.findall(text)
    # Single short words would erase too much ("Li" in every text): names of 3 letters or more.
    return [item for item in found if len(item) >= 3 or " " in item]
