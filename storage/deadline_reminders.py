"""A deadline's reminders: the outbox rows made for its holder, and their cancelling.

Every reminder is a row in the outbox (template REMINDER or FINAL, subject "deadline:<id>"),
made in the same transaction as the deadline, or as the person it is for (a deployment's expert
binds later). The hour is checked again when it is sent (bot.reminders), in the time zone the
person has then.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, select, update
from sqlmodel import Session, col

from storage import outbox
from storage.affected import affected
from storage.local_time import REMINDER_HOUR, at_hour, deadline_day, next_morning, zone_of
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
    return affected(result)
