"""The audit trail: written inside the caller's transaction, read per subject or for export."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, insert, literal, or_, select
from sqlmodel import Session, col

from storage.audit_tables import Action, AuditEntry, Subject
from storage.experts_tables import ActivityReport
from storage.models import ExpressionOfInterest, table_of
from storage.programmes import ALL, eoi_in, report_in

__all__ = [
    "Action",
    "Entry",
    "Subject",
    "actor_of",
    "entries_of",
    "everything",
    "latest_decision",
    "record",
    "record_changes",
]

_TABLE = table_of(AuditEntry)
_INSERT = insert(_TABLE)


@dataclass(frozen=True)
class Entry:
    """One recorded change."""

    at: datetime
    actor: str
    subject_kind: str
    subject_id: int | None
    reference: str | None
    action: str
    field: str | None
    old: Any
    new: Any
    reason_code: str | None
    reason: str | None


def actor_of(person_id: int | None) -> str:
    """How a person is recorded as the actor (the command line records itself as cli:<user>)."""
    return f"telegram:{person_id}" if person_id is not None else "cli"


def record(
    connection: Connection | Session,
    *,
    at: datetime,
    actor: str,
    subject_kind: str,
    action: str,
    subject_id: int | None = None,
    reference: str | None = None,
    field: str | None = None,
    old: Any = None,
    new: Any = None,
    reason_code: str | None = None,
    reason: str | None = None,
) -> None:
    """Add one entry inside the caller's transaction (committed, or not, with the change)."""
    bind = connection.connection() if isinstance(connection, Session) else connection
    bind.execute(
        _INSERT,
        {
            "at": at,
            "actor": actor[:64],
            "subject_kind": subject_kind,
            "subject_id": subject_id,
            "reference": reference,
            "action": action,
            "field": field,
            "old": old,
            "new": new,
            "reason_code": reason_code,
            "reason": reason[:1000] if reason else reason,
        },
    )


def record_changes(
    connection: Connection | Session,
    *,
    at: datetime,
    actor: str,
    subject_kind: str,
    subject_id: int | None,
    reference: str | None,
    action: str,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
) -> list[tuple[str, Any, Any]]:
    """An entry per field whose value differs between old and new; the (field, old, new)."""
    changed = [
        (key, old.get(key), new.get(key))
        for key in new
        if old.get(key) != new.get(key) and not (_empty(old.get(key)) and _empty(new.get(key)))
    ]
    for key, before, after in changed:
        record(
            connection,
            at=at,
            actor=actor,
            subject_kind=subject_kind,
            subject_id=subject_id,
            reference=reference,
            action=action,
            field=key,
            old=before,
            new=after,
        )
    return changed


def _empty(value: Any) -> bool:
    """No answer, whichever way it is stored (None, "", an empty list or mapping)."""
    return value is None or value == "" or value == [] or value == {}


def _entry(row: AuditEntry) -> Entry:
    return Entry(
        at=row.at,
        actor=row.actor,
        subject_kind=row.subject_kind,
        subject_id=row.subject_id,
        reference=row.reference,
        action=row.action,
        field=row.field,
        old=row.old,
        new=row.new,
        reason_code=row.reason_code,
        reason=row.reason,
    )


def entries_of(*, session: Session, subject_kind: str, subject_id: int) -> list[Entry]:
    """The entries about one subject, oldest first."""
    rows = session.execute(
        select(AuditEntry)
        .where(
            col(AuditEntry.subject_kind) == subject_kind,
            col(AuditEntry.subject_id) == subject_id,
        )
        .order_by(col(AuditEntry.id))
    ).scalars()
    return [_entry(row) for row in rows]


def latest_decision(*, session: Session, eoi_id: int, status: str) -> Entry | None:
    """The newest decision that gave the submission this status (its reason), if any."""
    # Filtered here, not in SQL: PostgreSQL's json type has no equality operator.
    decisions = [
        entry
        for entry in entries_of(session=session, subject_kind=Subject.EOI, subject_id=eoi_id)
        if entry.action == Action.DECISION and entry.new == status
    ]
    return decisions[-1] if decisions else None


def everything(*, session: Session, programmes: Collection[str] = ALL) -> list[Entry]:
    """Every entry of the programmes, oldest first (for the export): of a submission or a report
    of theirs, and the expert models' country rules for the Fachkräftefonds."""
    query = select(AuditEntry).order_by(col(AuditEntry.id))
    if not set(programmes) >= ALL:
        kind, subject = col(AuditEntry.subject_kind), col(AuditEntry.subject_id)
        eois = select(col(ExpressionOfInterest.id)).where(eoi_in(programmes))
        reports = select(col(ActivityReport.id)).where(report_in(ActivityReport, programmes))
        query = query.where(
            or_(
                and_(kind == Subject.EOI, subject.in_(eois)),
                and_(kind == Subject.REPORT, subject.in_(reports)),
                and_(kind == Subject.RULE, literal("fkf" in programmes)),
            )
        )
    return [_entry(row) for row in session.execute(query).scalars()]
