"""Deadlines: what a person must deliver by when, and what they and the bot do with it (add,
complete, cancel, snooze, list). Reminders are created with them (storage.deadline_reminders);
who holds one is storage.deadline_holders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, select, update
from sqlmodel import Session, col

from storage import outbox
from storage.affected import affected
from storage.deadline_reminders import (
    REMINDER,
    cancel_reminders,
    schedule_reminders,
    subject_of,
)
from storage.local_time import REMINDER_HOUR, at_hour, local, next_morning, zone_of
from storage.models import Deadline, DeadlineStatus, OutboxMessage, utcnow


@dataclass(frozen=True)
class DeadlineView:
    """A deadline as the bot shows it."""

    id: int
    kind: str
    key: str
    person_id: int | None
    deployment_id: int | None
    programme: str | None
    title: str
    params: dict[str, Any]
    due_at: datetime
    status: str


def view(deadline: Deadline) -> DeadlineView:
    """The plain view of a deadline row."""
    assert deadline.id is not None
    return DeadlineView(
        id=deadline.id,
        kind=deadline.kind,
        key=deadline.key,
        person_id=deadline.person_id,
        deployment_id=deadline.deployment_id,
        programme=deadline.programme,
        title=deadline.title,
        params=dict(deadline.params or {}),
        due_at=deadline.due_at,
        status=deadline.status,
    )


def add_deadline(
    session: Session,
    *,
    kind: str,
    key: str,
    due_at: datetime,
    person_id: int | None = None,
    deployment_id: int | None = None,
    programme: str | None = None,
    title: str = "",
    params: dict[str, Any] | None = None,
    created_by: int | None = None,
    now: datetime | None = None,
) -> Deadline:
    """Add a deadline and its reminders inside the caller's transaction (the caller commits).

    Adding the same key again returns the existing deadline unchanged.
    """
    existing = session.execute(
        select(Deadline).where(col(Deadline.key) == key)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    deadline = Deadline(
        kind=kind,
        key=key,
        due_at=due_at,
        person_id=person_id,
        deployment_id=deployment_id,
        programme=programme,
        title=title,
        params=params or {},
        created_by=created_by,
        status=DeadlineStatus.OPEN,
        created_at=now or utcnow(),
    )
    session.add(deadline)
    session.flush()
    schedule_reminders(session, deadline, now)
    return deadline


def complete(
    session: Session | Connection, *, deadline_id: int, now: datetime, by: int | None = None
) -> bool:
    """Mark an open deadline done and cancel its remaining reminders (caller's transaction)."""
    result = session.execute(
        update(Deadline)
        .where(col(Deadline.id) == deadline_id, col(Deadline.status) == DeadlineStatus.OPEN)
        .values(status=DeadlineStatus.DONE, done_at=now, done_by=by)
    )
    if not affected(result):
        return False
    cancel_reminders(session, deadline_id, "deadline done")
    return True


def mark_done(*, session: Session, deadline_id: int, person_id: int, now: datetime) -> bool:
    """The person confirmed they did it ("already done"); False if not theirs or not open."""
    deadline = session.get(Deadline, deadline_id)
    if deadline is None or deadline.person_id != person_id:
        return False
    done = complete(session, deadline_id=deadline_id, now=now, by=person_id)
    session.commit()
    return done


def cancel_deadline(session: Session, *, deadline_id: int, reason: str) -> bool:
    """Cancel an open deadline and its reminders (caller's transaction)."""
    result = session.execute(
        update(Deadline)
        .where(col(Deadline.id) == deadline_id, col(Deadline.status) == DeadlineStatus.OPEN)
        .values(status=DeadlineStatus.CANCELLED)
    )
    if not affected(result):
        return False
    cancel_reminders(session, deadline_id, reason)
    return True


def complete_call_deadlines(
    session: Session | Connection, *, person_id: int, programme: str, now: datetime
) -> int:
    """The person submitted their expression of interest: their call deadlines are met.

    Runs in the submission's transaction (storage.submissions.submit_draft).
    """
    ids = session.execute(
        _OPEN_CALL_DEADLINES, {"person": person_id, "programme": programme}
    ).scalars()
    return sum(complete(session, deadline_id=i, now=now, by=person_id) for i in list(ids))


_OPEN_CALL_DEADLINES = select(col(Deadline.id)).where(
    col(Deadline.kind) == "call",
    col(Deadline.person_id) == bindparam("person"),
    col(Deadline.programme) == bindparam("programme"),
    col(Deadline.status) == DeadlineStatus.OPEN,
)


def snooze(*, session: Session, deadline_id: int, person_id: int, now: datetime) -> datetime | None:
    """ "Remind me tomorrow": one more reminder at 09:00 tomorrow, local time; when, or None."""
    deadline = session.get(Deadline, deadline_id)
    if deadline is None or deadline.person_id != person_id:
        return None
    if deadline.status != DeadlineStatus.OPEN:
        return None
    zone = zone_of(session, person_id)
    day = local(now, zone).date() + timedelta(days=1)
    when = at_hour(day, REMINDER_HOUR, zone)
    if when <= now:  # 09:00 tomorrow is always ahead; kept for clocks set oddly
        when = next_morning(now, zone)
    key = f"deadline:{deadline_id}:snooze:{day.isoformat()}:{person_id}"
    exists = session.execute(
        select(col(OutboxMessage.id)).where(col(OutboxMessage.dedupe_key) == key)
    ).first()
    if exists is None:
        outbox.enqueue(
            session,
            recipient_id=person_id,
            template=REMINDER,
            params={"deadline_id": deadline_id, "stage": "snooze", "day": day.isoformat()},
            due_at=when,
            subject=subject_of(deadline_id),
            dedupe_key=key,
        )
    session.commit()
    return when


def deadline_of(*, session: Session, deadline_id: int) -> DeadlineView | None:
    """One deadline, or None."""
    deadline = session.get(Deadline, deadline_id)
    return view(deadline) if deadline is not None else None


@dataclass(frozen=True)
class Upcoming:
    """A person's open deadlines and the time zone to show them in."""

    zone: str
    deadlines: list[DeadlineView]


def upcoming_for(*, session: Session, person_id: int) -> Upcoming:
    """The person's open deadlines, soonest (or most overdue) first."""
    rows = session.execute(
        select(Deadline)
        .where(col(Deadline.person_id) == person_id, col(Deadline.status) == DeadlineStatus.OPEN)
        .order_by(col(Deadline.due_at), col(Deadline.id))
    ).scalars()
    return Upcoming(zone=zone_of(session, person_id), deadlines=[view(d) for d in rows])
