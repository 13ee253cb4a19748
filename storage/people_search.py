"""Finding people the bot knows by (part of) their name or @username, whatever the case and
accents ("jose" finds José, "muller" finds Müller)."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session, col

from storage.models import Person
from storage.programmes import ALL, person_in

# A search shorter than this finds too many people to pick from.
MIN_LENGTH = 2


@dataclass(frozen=True)
class Match:
    """A person found, as a coordinator picks them."""

    id: int
    first_name: str
    username: str | None


def folded(text: str) -> str:
    """The text for comparing: accents dropped, case folded, ß as ss, spaces single."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def find_people(
    *, session: Session, text: str, programmes: Collection[str] = ALL, limit: int = 8
) -> tuple[list[Match], int]:
    """Up to `limit` people whose name or @username contains the text (names that start with it
    first), and how many match in all; only people of the programmes (storage.programmes)."""
    wanted = folded(text.strip().removeprefix("@"))
    if len(wanted) < MIN_LENGTH:
        return [], 0
    rows = session.execute(
        select(col(Person.id), col(Person.first_name), col(Person.username)).where(
            person_in(programmes)
        )
    )
    found: list[tuple[int, str, Match]] = []
    for person_id, first_name, username in rows:
        name, handle = folded(first_name or ""), folded(username or "")
        if wanted in name or wanted in handle:
            starts = any(word.startswith(wanted) for word in (*name.split(), handle))
            match = Match(person_id, first_name or "", username)
            found.append((0 if starts else 1, name, match))
    # Names that start with the text first, then by name (folded: the same on every database).
    found.sort(key=lambda item: (item[0], item[1], item[2].id))
    return [match for _rank, _name, match in found[:limit]], len(found)
