"""Coordinators decide on expressions of interest; the submitter hears of it in the same commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, select, update
from sqlmodel import Session, col

from storage import audit, interest, outbox
from storage.models import ExpressionOfInterest, Programme, Status, table_of
from storage.short_drafts import ShortDrafts

# A coordinator's decision with a reason in progress (the form engine's draft: which submission,
# what decision, the reason).
REASON_DRAFTS = ShortDrafts("decision")

# The decisions a coordinator can take on a submitted expression of interest.
DECISIONS = (Status.IN_REVIEW, Status.ACCEPTED, Status.RETURNED, Status.DECLINED)
# A draft or a discarded one is not the coordinators' to decide on.
_DECIDABLE = (Status.SUBMITTED, *DECISIONS)

_TABLE = table_of(ExpressionOfInterest)
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
    person_id: int = 0  # the submitter
    revision_dropped: bool = False  # the submitter's unsent changes gave way to the decision


_STATUS_OF = select(_TABLE.c.status).where(_TABLE.c.id == bindparam("eoi_id"))


def decidable(*, session: Session, eoi_id: int, decision: Status) -> str | None:
    """The submission's reference if this decision would change it now, else None."""
    row = session.execute(
        select(_TABLE.c.reference, _TABLE.c.status, _TABLE.c.submitted_answers).where(
            _TABLE.c.id == eoi_id
        )
    ).first()
    if row is None or row.reference is None:
        return None
    status = Status.RETURNED if row.status == Status.DRAFT and row.submitted_answers else row.status
    return row.reference if status in _DECIDABLE and status != decision else None


def decide(
    *,
    session: Session,
    eoi_id: int,
    decision: Status,
    coordinator_id: int,
    now: datetime,
    reason_code: str | None = None,
    reason: str | None = None,
) -> Decision | None:
    """Set the status, record it in the audit trail and tell the submitter, at once; None if
    nothing changed (a double tap, the same decision again, or not a submission). The reason
    (a preset's code, or the text typed) goes into the trail and the submitter's notice."""
    if decision not in DECISIONS:
        raise ValueError(decision)
    # A revision the submitter left open must not lock the coordinators out: any other decision
    # puts the submission back as submitted first (returning it again changes nothing).
    dropped = decision != Status.RETURNED and interest.drop_revision(session.connection(), eoi_id)
    old = session.connection().execute(_STATUS_OF, {"eoi_id": eoi_id}).scalar_one_or_none()
    row = (
        session.connection()
        .execute(_DECIDE, {"eoi_id": eoi_id, "decision": decision, "now": now})
        .first()
    )
    if row is None:
        return None
    audit.record(
        session,
        at=now,
        actor=audit.actor_of(coordinator_id),
        subject_kind=audit.Subject.EOI,
        subject_id=eoi_id,
        reference=row.reference,
        action=audit.Action.DECISION,
        field="status",
        old=old,
        new=str(decision),
        reason_code=reason_code,
        reason=reason,
    )
    outbox.enqueue(
        session,
        recipient_id=row.person_id,
        template="notices/eoi_status",
        params={
            "eoi_id": eoi_id,
            "reference": row.reference,
            "programme": row.programme,
            "status": decision,
            "reason_code": reason_code,
            "reason": reason,
        },
        due_at=now,
        subject=row.reference,
    )
    session.commit()
    return Decision(
        reference=row.reference,
        status=decision,
        person_id=row.person_id,
        revision_dropped=dropped,
    )


# Every programme: what a coordinator of both sees.
PROGRAMMES = tuple(str(p) for p in Programme)


@dataclass(frozen=True)
class OpenSubmission:
    """A submission waiting for (or under) the coordinators' review, for /submissions."""

    id: int
    reference: str
    programme: str
    status: str
    partner: str | None
    country: str | None
    submitted_at: datetime | None


def revised_now(*, session: Session, programmes: Iterable[str] = PROGRAMMES) -> list[str]:
    """The references of submissions their submitters are revising (returned for changes)."""
    return list(
        session.execute(
            select(col(ExpressionOfInterest.reference))
            .where(
                col(ExpressionOfInterest.status) == Status.DRAFT,
                col(ExpressionOfInterest.reference).is_not(None),
                col(ExpressionOfInterest.programme).in_(list(programmes)),
            )
            .order_by(ExpressionOfInterest.reference)
        ).scalars()
    )


def open_submissions(
    *, session: Session, limit: int = 10, programmes: Iterable[str] = PROGRAMMES
) -> tuple[list[OpenSubmission], int]:
    """The oldest submissions of these programmes not yet decided (submitted or in review), and
    how many in all."""
    waiting = and_(
        col(ExpressionOfInterest.status).in_([Status.SUBMITTED, Status.IN_REVIEW]),
        col(ExpressionOfInterest.programme).in_(list(programmes)),
    )
    total = session.execute(
        select(func.count()).select_from(ExpressionOfInterest).where(waiting)
    ).scalar_one()
    found = session.execute(
        select(ExpressionOfInterest)
        .where(waiting)
        .order_by(col(ExpressionOfInterest.submitted_at), col(ExpressionOfInterest.id))
        .limit(limit)
    ).scalars()
    items = [
        OpenSubmission(
            id=e.id or 0,
            reference=e.reference or "",
            programme=e.programme,
            status=e.status,
            partner=e.partner_municipality or e.partner_authority,
            country=e.partner_country,
            submitted_at=e.submitted_at,
        )
        for e in found
    ]
    return items, total


def notice_params(*, session: Session, eoi_id: int) -> dict[str, Any] | None:
    """What a submission's notice shows (as it was submitted), or None for a draft. While its
    submitter revises it, the answers are those submitted and `revising` is set."""
    eoi = session.get(ExpressionOfInterest, eoi_id)
    if eoi is None or eoi.reference is None:
        return None
    answers = {key: getattr(eoi, key) for key in interest.ANSWER_KEYS}
    revising = eoi.status == Status.DRAFT and eoi.submitted_answers is not None
    if revising:
        answers.update(eoi.submitted_answers or {})
    return {
        "eoi_id": eoi_id,
        "reference": eoi.reference,
        "programme": eoi.programme,
        "answers": answers,
        "revising": revising,
    }


def programme_of(*, session: Session, eoi_id: int) -> str | None:
    """The programme of an expression of interest (None if there is none with this id)."""
    eoi = session.get(ExpressionOfInterest, eoi_id)
    return eoi.programme if eoi is not None else None


def being_revised(*, session: Session, eoi_id: int) -> bool:
    """Whether the submitter is revising this submission right now (returned for changes)."""
    eoi = session.get(ExpressionOfInterest, eoi_id)
    return eoi is not None and eoi.status == Status.DRAFT and eoi.submitted_answers is not None


@dataclass(frozen=True)
class Whole:
    """A submission (or draft) to read in full."""

    id: int
    person_id: int
    reference: str | None
    programme: str
    status: str
    answers: dict[str, Any]  # as they stand (a revision's changes included)
    submitted: dict[str, Any]  # as the coordinators know them (while revised: as submitted)


def whole(*, session: Session, eoi_id: int) -> Whole | None:
    """Everything answered in one expression of interest; None if there is none (discarded)."""
    eoi = session.get(ExpressionOfInterest, eoi_id)
    if eoi is None or eoi.status == Status.DISCARDED:
        return None
    answers = {key: getattr(eoi, key) for key in interest.ANSWER_KEYS}
    return Whole(
        id=eoi_id,
        person_id=eoi.person_id,
        reference=eoi.reference,
        programme=eoi.programme,
        status=eoi.status,
        answers=answers,
        submitted={**answers, **(eoi.submitted_answers or {})},
    )
