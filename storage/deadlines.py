"""Deadlines: what a person must deliver by when; reminders are created with them.

Every reminder is a row in the outbox (template REMINDER or FINAL, subject "deadline:<id>"),
made in the same transaction as the deadline, or as the person it is for (a deployment's expert
binds later). The hour is checked again when it is sent (bot.reminders), in the time zone the
person has then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, or_, select, update
from sqlmodel import Session, SQLModel, col

from storage import outbox
from storage.local_time import (
    REMINDER_HOUR,
    at_hour,
    deadline_day,
    local,
    next_morning,
    zone_of,
)
from storage.models import Deadline, DeadlineStatus, OutboxMessage, OutboxStatus, utcnow

REMINDER = "reminders/reminder"  # to the person: 7 days, 1 day before, on the day, snoozed
FINAL = "reminders/final"  # to the person, three days after; escalates to the coordinators
ESCALATION = "reminders/escalation"  # to a coordinator: who is overdue with what
REMINDER_TEMPLATES = (REMINDER, FINAL)
STAGES = (("7d", 7), ("1d", 1), ("0d", 0))
GRACE = timedelta(days=3)  # after a missed deadline, until the coordinators hear of it


def subject_of(deadline_id: int) -> str:
    """The outbox subject of a deadline's reminders."""
    return f"deadline:{deadline_id}"


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


def schedule_reminders(session: Session, deadline: Deadline, now: datetime | None = None) -> None:
    """Create the deadline's reminder rows in the outbox, in the caller's transaction.

    7 days before, 1 day before and on the day at 09:00 the person's local time, and the final
    reminder three days after the deadline (or after now, for a deadline set in the past). A
    deadline nobody holds yet (person_id None) gets its rows when the person is assigned.
    Rows already due go out at once and collapse into one message (see bot.reminders).
    """
    assert deadline.id is not None
    person_id = deadline.person_id
    if person_id is None or deadline.status != DeadlineStatus.OPEN:
        return
    if deadline.planned_for == person_id and _has_pending(session, deadline.id, person_id):
        return
    now = now or deadline.created_at or utcnow()
    zone = zone_of(session, person_id)
    day = deadline_day(deadline.due_at, zone)
    subject = subject_of(deadline.id)
    for stage, days in STAGES:
        outbox.enqueue(
            session,
            recipient_id=person_id,
            template=REMINDER,
            params={"deadline_id": deadline.id, "stage": stage, "days": days},
            due_at=at_hour(day - timedelta(days=days), REMINDER_HOUR, zone),
            subject=subject,
        )
    # The first 09:00 after three full days past the deadline (or past now, if set late).
    outbox.enqueue(
        session,
        recipient_id=person_id,
        template=FINAL,
        params={"deadline_id": deadline.id, "stage": "final"},
        due_at=next_morning(max(deadline.due_at, now) + GRACE, zone),
        subject=subject,
    )
    deadline.planned_for = person_id


def _has_pending(session: Session, deadline_id: int, person_id: int) -> bool:
    return (
        session.execute(
            select(col(OutboxMessage.id))
            .where(
                col(OutboxMessage.subject) == subject_of(deadline_id),
                col(OutboxMessage.recipient_id) == person_id,
                col(OutboxMessage.status) == OutboxStatus.PENDING,
            )
            .limit(1)
        ).first()
        is not None
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


def cancel_reminders(session: Session | Connection, deadline_id: int, reason: str) -> int:
    """Cancel the deadline's reminders not yet sent (caller's transaction); how many."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.subject) == subject_of(deadline_id),
            col(OutboxMessage.template).in_(REMINDER_TEMPLATES),
            col(OutboxMessage.status) == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.CANCELLED, last_error=reason[:500], claimed_until=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def assign_person(
    session: Session,
    *,
    person_id: int,
    deadline_ids: list[int] | None = None,
    deployment_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Make the open deadlines (by id, or of a deployment) the person's, with their reminders.

    In the caller's transaction (the caller commits). Reminders planned for someone else are
    cancelled. Returns how many deadlines changed hands.
    """
    query = select(Deadline).where(col(Deadline.status) == DeadlineStatus.OPEN)
    if deadline_ids is not None:
        query = query.where(col(Deadline.id).in_(deadline_ids))
    elif deployment_id is not None:
        query = query.where(col(Deadline.deployment_id) == deployment_id)
    else:
        raise ValueError("deadline_ids or deployment_id is needed")
    changed = 0
    for deadline in session.execute(query).scalars():
        if deadline.person_id != person_id or deadline.planned_for != person_id:
            changed += 1
            assert deadline.id is not None
            cancel_reminders(session, deadline.id, "the deadline went to someone else")
            deadline.person_id = person_id
            deadline.planned_for = None
            schedule_reminders(session, deadline, now)
    session.flush()
    return changed


def reconcile_reminders(*, session: Session, now: datetime, limit: int = 200) -> int:
    """Plan reminders for open deadlines whose person was set without them (owns the commit).

    A safety net for code that sets Deadline.person_id directly instead of assign_person(),
    and for deadlines of a deployment whose expert has bound since.
    """
    bind_deployment_deadlines(session=session, now=now, limit=limit)
    deadlines = (
        session.execute(
            select(Deadline)
            .where(
                col(Deadline.status) == DeadlineStatus.OPEN,
                col(Deadline.person_id).is_not(None),
                or_(
                    col(Deadline.planned_for).is_(None),
                    col(Deadline.planned_for) != col(Deadline.person_id),
                ),
            )
            .limit(limit)
        )
        .scalars()
        .all()
    )
    for deadline in deadlines:
        assert deadline.id is not None
        cancel_reminders(session, deadline.id, "the deadline went to someone else")
        deadline.planned_for = None
        schedule_reminders(session, deadline, now)
    session.commit()
    return len(deadlines)


def complete(
    session: Session | Connection, *, deadline_id: int, now: datetime, by: int | None = None
) -> bool:
    """Mark an open deadline done and cancel its remaining reminders (caller's transaction)."""
    result = session.execute(
        update(Deadline)
        .where(col(Deadline.id) == deadline_id, col(Deadline.status) == DeadlineStatus.OPEN)
        .values(status=DeadlineStatus.DONE, done_at=now, done_by=by)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
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
    if not result.rowcount:  # type: ignore[attr-defined]
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


@dataclass(frozen=True)
class Holder:
    """Who holds a deadline, as coordinators know them, and the zone its date was set in."""

    name: str
    zone: str


def holder_of(session: Session, deadline: Deadline, first_name: str | None = None) -> Holder:
    """The expert's name from the deployment (else the Telegram first name) and the zone the
    deadline's day is counted in (the holder's)."""
    name = first_name or ""
    table = _deployment_table()
    if table is not None and deadline.deployment_id is not None:
        found = session.execute(
            select(table.c.expert_name).where(table.c.id == deadline.deployment_id)
        ).first()
        name = (found[0] if found else None) or name
    return Holder(name=name, zone=zone_of(session, deadline.person_id))


def _deployment_table() -> Any:
    """The deployments' table, when the deployments feature is part of this build."""
    return SQLModel.metadata.tables.get("deployment")


def expert_of(session: Session, deployment_id: int) -> tuple[bool, int | None]:
    """(whether the deployment exists, the person bound to it as expert)."""
    table = _deployment_table()
    if table is None:
        return False, None
    found = session.execute(select(table.c.expert_id).where(table.c.id == deployment_id)).first()
    return (found is not None, found[0] if found else None)


def bind_deployment_deadlines(*, session: Session, now: datetime, limit: int = 200) -> int:
    """Give open deadlines of a deployment without a person to its expert, once bound."""
    table = _deployment_table()
    if table is None:
        return 0
    rows = session.execute(
        select(col(Deadline.id), table.c.expert_id)
        .join(table, table.c.id == Deadline.deployment_id)
        .where(
            col(Deadline.status) == DeadlineStatus.OPEN,
            col(Deadline.person_id).is_(None),
            table.c.expert_id.is_not(None),
        )
        .limit(limit)
    ).all()
    for deadline_id, expert_id in rows:
        assign_person(session, person_id=expert_id, deadline_ids=[deadline_id], now=now)
    session.commit()
    return len(rows)
