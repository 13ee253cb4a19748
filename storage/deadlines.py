"""Deadlines: what a person must deliver by when; reminders are created with them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from storage.models import Deadline, DeadlineStatus


def schedule_reminders(session: Session, deadline: Deadline) -> None:
    """Create the deadline's reminder rows in the outbox, in the caller's transaction.

    The reminders work (issue 5) fills this in; until then a deadline has no reminders.
    """


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
) -> Deadline:
    """Add a deadline and its reminders inside the caller's transaction (the caller commits).

    Adding the same key again returns the existing deadline unchanged.
    """
    existing = session.execute(select(Deadline).where(Deadline.key == key)).scalar_one_or_none()
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
    )
    session.add(deadline)
    session.flush()
    schedule_reminders(session, deadline)
    return deadline
