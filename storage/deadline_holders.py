"""Who holds a deadline: the person it is assigned to (a deployment's expert once bound), the
name coordinators know them by, and the reminders that follow the deadline to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlmodel import Session, SQLModel, col

from storage.deadline_reminders import cancel_reminders, schedule_reminders
from storage.local_time import zone_of
from storage.models import Deadline, DeadlineStatus


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
