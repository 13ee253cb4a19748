"""A coordinator's own deadline (/deadline): for whom (a person or a deployment), what, when;
its draft on the form engine (one JSON value of the shared short-draft table,
storage.short_drafts) and setting it."""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from storage.deadline_holders import expert_of
from storage.deadlines import DeadlineView, add_deadline, view
from storage.local_time import DEFAULT_ZONE, end_of_day, zone_of
from storage.models import Person
from storage.programmes import ALL, deployment_programme, person_in
from storage.reminders_tables import ShortDraft
from storage.short_drafts import ShortDrafts

FORM = "deadline"
DRAFTS = ShortDrafts(FORM)
save_answer, move_draft, discard_draft = DRAFTS.save, DRAFTS.move, DRAFTS.discard
# The person's open draft, and a new one (one left unfinished is thrown away: it starts anew).
current_draft, start_draft = DRAFTS.current, DRAFTS.start


@dataclass(frozen=True)
class Holder:
    """Who a custom deadline is for: a person, or a deployment (and its expert, if bound)."""

    person_id: int | None
    deployment_id: int | None
    name: str
    several: bool = False  # the @username matched several people: the id is needed
    zone: str = DEFAULT_ZONE  # the person's: the day it is due ends there


def find_holder(*, session: Session, text: str, programmes: Collection[str] = ALL) -> Holder | None:
    """A person known to the bot by Telegram id or @username, or a deployment by number; of the
    programmes only (someone else's is not found, see storage.programmes)."""
    typed = text.strip()
    deployment = re.fullmatch(r"(?i)(?:#|d|deployment\s*|einsatz\s*)(\d{1,9})", typed)
    if deployment:
        deployment_id = int(deployment.group(1))
        exists, expert = expert_of(session, deployment_id)
        if not exists or deployment_programme(
            session=session, deployment_id=deployment_id
        ) not in set(programmes):
            return None
        name = ""
        if expert is not None:
            person = session.get(Person, expert)
            name = person.first_name if person else ""
        return Holder(expert, deployment_id, name, zone=zone_of(session, expert))
    if re.fullmatch(r"\d{3,15}", typed):
        person = session.execute(
            select(Person).where(col(Person.id) == int(typed), person_in(programmes))
        ).scalar_one_or_none()
    elif re.fullmatch(r"@?[A-Za-z0-9_]{3,64}", typed):
        username = typed.removeprefix("@").lower()
        # Exact, case-insensitive ("_" is no wildcard). Telegram usernames are unique, but a
        # stored one may be stale (someone gave theirs up and another took it): then ask for
        # the id instead of guessing.
        found = (
            session.execute(
                select(Person)
                .where(col(Person.username).is_not(None))
                .where(func.lower(Person.username) == username, person_in(programmes))
                .limit(2)
            )
            .scalars()
            .all()
        )
        if len(found) > 1:
            return Holder(None, None, "", several=True)
        person = found[0] if found else None
    else:
        return None
    if person is None:
        return None
    return Holder(person.id, None, person.first_name, zone=zone_of(session, person.id))


def add_custom_deadline(
    *,
    session: Session,
    person_id: int | None,
    deployment_id: int | None,
    title: str,
    due_at: datetime,
    created_by: int,
    now: datetime,
) -> DeadlineView:
    """A coordinator's own deadline for one person or deployment, with its reminders."""
    deadline = add_deadline(
        session,
        kind="custom",
        key=f"custom:{now.strftime('%Y%m%d%H%M%S')}:{secrets.token_hex(4)}",
        due_at=due_at,
        person_id=person_id,
        deployment_id=deployment_id,
        title=title,
        created_by=created_by,
        now=now,
    )
    session.commit()
    return view(deadline)


HOLDER_GONE = "holder"


def add_from_draft(
    *, session: Session, draft_id: int, now: datetime, programmes: Collection[str] = ALL
) -> DeadlineView | str | None:
    """Set the deadline the draft describes (the draft deleted in the same commit); None if the
    draft was already used or thrown away; HOLDER_GONE if whom it is for can no longer be
    found among the programmes' people (erased, say): the draft stays open without them.
    The day ends in the holder's time zone as it is now."""
    answers = DRAFTS.taken(session, draft_id)
    if answers is None:
        return None
    chosen = answers["holder"]
    again = f"#{chosen['deployment_id']}" if chosen["deployment_id"] else str(chosen["person_id"])
    holder = find_holder(session=session, text=again, programmes=programmes)
    # A deployment's deadline goes to its expert as they are now (one may have joined since).
    moved = (
        not chosen["deployment_id"]
        and holder is not None
        and holder.person_id != chosen["person_id"]
    )
    if holder is None or moved:
        session.rollback()  # the draft stays open, without whom it was for
        row = session.get_one(ShortDraft, draft_id)
        row.answers = {key: value for key, value in row.answers.items() if key != "holder"}
        session.commit()
        return HOLDER_GONE
    row = session.get_one(ShortDraft, draft_id)
    created_by = row.person_id
    session.delete(row)
    return add_custom_deadline(
        session=session,
        person_id=holder.person_id,
        deployment_id=holder.deployment_id,
        title=answers["title"],
        due_at=end_of_day(date.fromisoformat(answers["date"]), holder.zone),
        created_by=created_by,
        now=now,
    )
