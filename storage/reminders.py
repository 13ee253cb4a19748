"""Sending a reminder: is it still needed, is it the right hour, has this deadline just had one.

The dispatcher asks prepare_reminder() right before it sends a reminder row. Everything is
decided in one transaction and recorded before the message goes out, so two processes (or a
bot that was down for days and finds several reminders of one deadline due) send one message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlmodel import Session, col

from storage import outbox, outbox_results
from storage.affected import affected
from storage.deadline_holders import holder_of
from storage.deadline_reminders import ESCALATION, FINAL, GRACE, REMINDER_TEMPLATES, subject_of
from storage.deadlines import DeadlineView, cancel_deadline, view
from storage.local_time import (
    DEFAULT_ZONE,
    REMINDER_HOUR,
    at_hour,
    deadline_day,
    is_quiet,
    next_morning,
    zone_of,
)
from storage.models import (
    Deadline,
    DeadlineStatus,
    ExpressionOfInterest,
    OutboxMessage,
    OutboxStatus,
    Person,
    Status,
)
from storage.programmes import Coordinators, coordinators_of_deadline

# Two reminders of one deadline within this time are one too many (they were due together).
COLLAPSE_WINDOW = timedelta(hours=12)
# A reminder whose hour moved (the person changed time zone) waits unless it is this close.
ON_TIME = timedelta(minutes=1)


@dataclass(frozen=True)
class ReminderPlan:
    """What to do with a claimed reminder: send it (about this deadline) or nothing."""

    send: bool
    note: str = ""
    deadline: DeadlineView | None = None
    zone: str = DEFAULT_ZONE
    final: bool = False


def intended_moment(
    params: dict[str, object], due_at: datetime, zone: str, fallback: datetime
) -> datetime:
    """When this reminder should go out, in the time zone the person has now."""
    stage = params.get("stage")
    if stage == "snooze" and isinstance(params.get("day"), str):
        return at_hour(date.fromisoformat(str(params["day"])), REMINDER_HOUR, zone)
    days = params.get("days")
    if isinstance(days, int):
        return at_hour(deadline_day(due_at, zone) - timedelta(days=days), REMINDER_HOUR, zone)
    return fallback


def final_moment(planned: datetime, due_at: datetime, zone: str) -> datetime:
    """The final reminder's moment in zone: the first 09:00 after the grace days.

    It was planned as the first 09:00 (in the zone of then) after max(deadline, time of
    planning) + GRACE. The anchor is not stored: the deadline's own anchor is exact, and for a
    deadline set late planned - 1 day lies within a day before it, so the result is the same
    or the previous morning there — never before the deadline's grace days are over.
    """
    return next_morning(max(due_at + GRACE, planned - timedelta(days=1)), zone)


def still_drafting(session: Session, deadline: Deadline) -> bool:
    """Whether the person of a call deadline still has an unsubmitted draft that matches it."""
    drafts = session.execute(
        select(col(ExpressionOfInterest.partner_country)).where(
            col(ExpressionOfInterest.person_id) == deadline.person_id,
            col(ExpressionOfInterest.programme) == deadline.programme,
            col(ExpressionOfInterest.status) == Status.DRAFT,
        )
    ).all()
    countries = set((deadline.params or {}).get("countries") or [])
    return any(not countries or country in countries for (country,) in drafts)


def escalate(
    session: Session,
    deadline: Deadline,
    person: Person | None,
    coordinators: Coordinators,
    now: datetime,
) -> int:
    """Tell every coordinator of the deadline's programme once who is overdue with what
    (caller's transaction)."""
    assert deadline.id is not None
    made = 0
    for coordinator in coordinators_of_deadline(session, coordinators, deadline):
        if coordinator == deadline.person_id:
            continue
        key = f"escalation:{deadline.id}:{coordinator}"
        if session.execute(
            select(col(OutboxMessage.id)).where(col(OutboxMessage.dedupe_key) == key)
        ).first():
            continue
        holder = holder_of(session, deadline, person.first_name if person else None)
        outbox.enqueue(
            session,
            recipient_id=coordinator,
            template=ESCALATION,
            params={
                "deadline_id": deadline.id,
                "person_id": deadline.person_id,
                "name": holder.name,
                "zone": holder.zone,
                "username": person.username if person else None,
                "kind": deadline.kind,
                "title": deadline.title,
                "programme": deadline.programme,
                "period": (deadline.params or {}).get("period"),
                "deployment_id": deadline.deployment_id,
                "due_at": deadline.due_at.isoformat(),
            },
            due_at=now,
            subject=subject_of(deadline.id),
            dedupe_key=key,
        )
        made += 1
    return made


def prepare_reminder(
    *, session: Session, message_id: int, worker: str, now: datetime, coordinators: Coordinators
) -> ReminderPlan:
    """Decide about a claimed reminder row and record the decision (owns the commit)."""
    row = session.get(OutboxMessage, message_id)
    if row is None or row.status != OutboxStatus.PENDING or row.claimed_by != worker:
        return ReminderPlan(False, "no longer this worker's")

    def skip(note: str) -> ReminderPlan:
        outbox_results.drop(session, message_id=message_id, worker=worker, note=note)
        session.commit()
        return ReminderPlan(False, note)

    deadline = session.get(Deadline, (row.params or {}).get("deadline_id"))
    if deadline is None or deadline.status != DeadlineStatus.OPEN:
        return skip("deadline no longer open")
    if deadline.person_id != row.recipient_id:
        return skip("the deadline went to someone else")
    assert deadline.id is not None
    if deadline.kind == "call" and not still_drafting(session, deadline):
        cancel_deadline(session, deadline_id=deadline.id, reason="no unsubmitted draft any more")
        return skip("no unsubmitted draft any more")
    person = session.get(Person, row.recipient_id)
    final = row.template == FINAL
    if final:
        escalate(session, deadline, person, coordinators, now)
    if person is None or person.unreachable:
        return skip("recipient unreachable")
    zone = zone_of(session, row.recipient_id)
    intended = intended_moment(row.params or {}, deadline.due_at, zone, row.due_at)
    if intended > now + ON_TIME:
        outbox_results.postpone(
            session, message_id=message_id, worker=worker, due_at=intended, note="hour moved"
        )
        session.commit()
        return ReminderPlan(False, "later: the person's hour moved")
    if is_quiet(now, zone):
        outbox_results.postpone(
            session,
            message_id=message_id,
            worker=worker,
            due_at=next_morning(now, zone),
            note="night where the person is",
        )
        session.commit()
        return ReminderPlan(False, "later: night where the person is")
    later = session.execute(
        select(col(OutboxMessage.id))
        .where(
            col(OutboxMessage.subject) == subject_of(deadline.id),
            col(OutboxMessage.recipient_id) == row.recipient_id,
            col(OutboxMessage.template).in_(REMINDER_TEMPLATES),
            col(OutboxMessage.status) == OutboxStatus.PENDING,
            col(OutboxMessage.due_at) <= now,
            col(OutboxMessage.id) != message_id,
            or_(
                col(OutboxMessage.due_at) > row.due_at,
                and_(col(OutboxMessage.due_at) == row.due_at, col(OutboxMessage.id) > message_id),
            ),
        )
        .limit(1)
    ).first()
    if later is not None:
        return skip("collapsed into a later reminder that is due as well")
    # The one point where two processes meet: only one reminder per deadline per window.
    taken = session.execute(
        update(Deadline)
        .where(
            col(Deadline.id) == deadline.id,
            or_(
                col(Deadline.reminded_message_id).is_(None),
                col(Deadline.reminded_message_id) == message_id,
                col(Deadline.reminded_at) < now - COLLAPSE_WINDOW,
            ),
        )
        .values(reminded_message_id=message_id, reminded_at=now)
    )
    if not affected(taken):
        return skip("collapsed: this deadline was just reminded of")
    session.commit()
    session.refresh(deadline)
    return ReminderPlan(True, "send", view(deadline), zone, final)


def replan_for_person(session: Session, *, person_id: int, now: datetime) -> int:
    """Move the person's pending reminders to 09:00 in their (new) time zone (caller's
    transaction); how many moved."""
    zone = zone_of(session, person_id)
    rows = session.execute(
        select(OutboxMessage, col(Deadline.due_at))
        .join(Deadline, Deadline.id == OutboxMessage.params["deadline_id"].as_integer())
        .where(
            col(OutboxMessage.recipient_id) == person_id,
            col(OutboxMessage.template).in_(REMINDER_TEMPLATES),
            col(OutboxMessage.status) == OutboxStatus.PENDING,
            or_(col(OutboxMessage.claimed_until).is_(None), col(OutboxMessage.claimed_until) < now),
        )
    ).all()
    moved = 0
    for message, due_at in rows:
        if message.template == FINAL:
            intended = final_moment(message.due_at, due_at, zone)
        else:
            intended = intended_moment(message.params or {}, due_at, zone, message.due_at)
        if intended != message.due_at:
            message.due_at = intended
            moved += 1
    return moved
