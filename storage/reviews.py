"""Coordinators decide on expressions of interest; the submitter hears of it in the same commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlmodel import Session

from storage import outbox
from storage.models import ExpressionOfInterest, Status

# The decisions a coordinator can take on a submitted expression of interest.
DECISIONS = (Status.IN_REVIEW, Status.ACCEPTED, Status.RETURNED, Status.DECLINED)
# A draft or a discarded one is not the coordinators' to decide on.
_DECIDABLE = (Status.SUBMITTED, *DECISIONS)

_TABLE = ExpressionOfInterest.__table__
_DECIDE = (
    update(_TABLE)
    .where(
        _TABLE.c.id == bindparam("eoi_id"),
        _TABLE.c.status.in_(_DECIDABLE),
        _TABLE.c.status != bindparam("decision"),
    )
    .values(status=bindparam("decision"), updated_at=bindparam("now"))
    .returning(_TABLE.c.reference, _TABLE.c.programme, _TABLE.c.person_id)
)


@dataclass(frozen=True)
class Decision:
    """What changed: the submission's reference and its new status."""

    reference: str
    status: str


def decide(
    *, session: Session, eoi_id: int, decision: Status, coordinator_id: int, now: datetime
) -> Decision | None:
    """Set the status and tell the submitter, at once; None if nothing changed (a double tap,
    the same decision again, or not a submission)."""
    if decision not in DECISIONS:
        raise ValueError(decision)
    row = (
        session.connection()
        .execute(_DECIDE, {"eoi_id": eoi_id, "decision": decision, "now": now})
        .first()
    )
    if row is None:
        return None
    outbox.enqueue(
        session,
        recipient_id=row.person_id,
        template="notices/eoi_status",
        params={"reference": row.reference, "programme": row.programme, "status": decision},
        due_at=now,
        subject=row.reference,
    )
    session.commit()
    return Decision(reference=row.reference, status=decision)
