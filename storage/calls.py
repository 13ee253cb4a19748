"""Calls for expressions of interest: who has an unsubmitted draft gets a deadline for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from storage.deadlines import add_deadline
from storage.models import Deadline, ExpressionOfInterest, Status
from storage.reminders_tables import CallForInterest, CallStatus

# How often an open call looks for people who started a draft since.
SWEEP_EVERY = timedelta(hours=1)


@dataclass(frozen=True)
class CallView:
    """A call as the coordinator sees it after opening it."""

    id: int
    programme: str
    closes_at: datetime
    countries: list[str]
    people: int


def _sweep(session: Session, call: CallForInterest, now: datetime) -> int:
    """Give everyone with a matching draft their deadline for this call; how many are new."""
    assert call.id is not None
    query = select(col(ExpressionOfInterest.person_id)).where(
        col(ExpressionOfInterest.programme) == call.programme,
        col(ExpressionOfInterest.status) == Status.DRAFT,
    )
    if call.countries:
        query = query.where(col(ExpressionOfInterest.partner_country).in_(call.countries))
    new = 0
    for person_id in sorted(set(session.execute(query).scalars())):
        key = f"call:{call.id}:person:{person_id}"
        if session.execute(select(col(Deadline.id)).where(col(Deadline.key) == key)).first():
            continue
        add_deadline(
            session,
            kind="call",
            key=key,
            due_at=call.closes_at,
            person_id=person_id,
            programme=call.programme,
            params={"call_id": call.id, "countries": list(call.countries)},
            created_by=call.created_by,
            now=now,
        )
        new += 1
    call.next_sweep_at = now + SWEEP_EVERY
    if call.closes_at <= now:
        call.status = CallStatus.CLOSED
    return new


def open_call(
    *,
    session: Session,
    programme: str,
    closes_at: datetime,
    countries: list[str],
    created_by: int,
    now: datetime,
) -> CallView:
    """Open a call; everyone with a matching draft gets a deadline with reminders, at once."""
    call = CallForInterest(
        programme=programme,
        closes_at=closes_at,
        countries=sorted({c.upper() for c in countries}),
        next_sweep_at=now,
        created_by=created_by,
        created_at=now,
    )
    session.add(call)
    session.flush()
    people = _sweep(session, call, now)
    session.commit()
    assert call.id is not None
    return CallView(call.id, call.programme, call.closes_at, list(call.countries), people)


def sweep_calls(*, session: Session, now: datetime) -> int:
    """Find people who started a matching draft since the last look (owns the commit)."""
    query = select(CallForInterest).where(
        col(CallForInterest.status) == CallStatus.OPEN, col(CallForInterest.next_sweep_at) <= now
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    new = sum(_sweep(session, call, now) for call in session.execute(query).scalars().all())
    session.commit()
    return new
