"""Storage limitation (GDPR Art. 5(1)(e)): drafts nobody touches are deleted after one reminder,
and messages already sent keep no text once it is no longer needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from storage import outbox
from storage.advisor_tables import AdvisorSession
from storage.experts_tables import (
    ActivityReport,
    Deployment,
    DeploymentStatus,
    ProgressReport,
    ReportStatus,
)
from storage.models import ExpressionOfInterest, OutboxMessage, OutboxStatus, Status
from storage.reminders_tables import ShortDraft

# Between the reminder and the deletion: time to come back and continue.
GRACE_DAYS = 14

# What a sent message's params may keep: ids and codes that other features look up, no text.
_KEPT_PARAMS = frozenset(
    {"deadline_id", "eoi_id", "report_id", "call_id", "stage", "days", "period", "reference"}
    | {"programme", "status", "erasure"}
)
_DONE = (OutboxStatus.SENT, OutboxStatus.CANCELLED, OutboxStatus.FAILED, OutboxStatus.BUNDLED)

# Every kind of draft: its table, the status of a draft, and whose it is (who is reminded). A
# draft revising a submission keeps its reference and is not deleted: the submission stays.
_DRAFTS: dict[str, tuple[Any, str, str]] = {
    "interest": (ExpressionOfInterest, Status.DRAFT, "person_id"),
    "report": (ActivityReport, ReportStatus.DRAFT, "person_id"),
    "progress": (ProgressReport, ReportStatus.DRAFT, "person_id"),
    "advisor": (AdvisorSession, "open", "person_id"),
    "call": (ShortDraft, "open", "person_id"),  # a coordinator's /call in progress
    # The other short flows' drafts (a typed reason may name people).
    "decision": (ShortDraft, "open", "person_id"),
    "rule_reason": (ShortDraft, "open", "person_id"),
    "zone": (ShortDraft, "open", "person_id"),
    # A coordinator's unfinished registration (it holds the expert's name).
    "deployment": (Deployment, DeploymentStatus.DRAFT, "created_by"),
}


@dataclass(frozen=True)
class Swept:
    """What one sweep did: reminders planned, drafts deleted (and whose), messages emptied."""

    reminded: int
    deleted: int
    people: frozenset[int]
    emptied: int


def _stale(session: Session, kind: str, before: datetime) -> list[Any]:
    table, draft, owner = _DRAFTS[kind]
    query = select(table).where(
        col(table.status) == draft,
        col(table.updated_at) < before,
        col(getattr(table, owner)).is_not(None),
    )
    if "reference" in table.__table__.c:
        query = query.where(col(table.reference).is_(None))
    if table is ShortDraft:  # the short flows share one table: only this kind's drafts
        query = query.where(col(ShortDraft.form) == kind)
    return list(session.exec(query))


def _notice_key(kind: str, row: Any) -> str:
    # The draft's last change is part of the key: a draft continued and left again is reminded
    # again, and a reminder never counts for a later pause.
    return f"draft-expiry:{kind}:{row.id}:{row.updated_at.isoformat()}"


def sweep_drafts(*, session: Session, now: datetime, days: int) -> Swept:
    """Remind the owner of every draft untouched for `days` (once); delete those untouched
    GRACE_DAYS longer whose reminder was made."""
    reminded = deleted = 0
    people: set[int] = set()
    for kind in _DRAFTS:
        owner = _DRAFTS[kind][2]
        for row in _stale(session, kind, now - timedelta(days=days)):
            key = _notice_key(kind, row)
            planned = session.exec(
                select(OutboxMessage.id).where(col(OutboxMessage.dedupe_key) == key)
            ).first()
            if planned is None:
                outbox.enqueue(
                    session,
                    recipient_id=getattr(row, owner),
                    template="privacy/draft_expiring",
                    params={"kind": kind, "days": days, "grace": GRACE_DAYS},
                    due_at=now,
                    subject=f"draft:{kind}:{row.id}",
                    dedupe_key=key,
                )
                reminded += 1
            elif row.updated_at < now - timedelta(days=days + GRACE_DAYS):
                _delete_draft(session, kind, row)
                people.add(getattr(row, owner))
                deleted += 1
    session.commit()
    return Swept(reminded=reminded, deleted=deleted, people=frozenset(people), emptied=0)


def _delete_draft(session: Session, kind: str, row: Any) -> None:
    if kind == "interest":
        # An advisor run started from the draft ("Help me choose") goes with it.
        session.execute(delete(AdvisorSession).where(col(AdvisorSession.eoi_id) == row.id))
    session.delete(row)
    session.flush()


def empty_sent_messages(*, session: Session, now: datetime, days: int) -> int:
    """Messages sent (or given up) more than `days` ago keep only ids and codes, no text."""
    before = now - timedelta(days=days)
    emptied = 0
    rows = session.exec(
        select(OutboxMessage).where(
            col(OutboxMessage.status).in_(_DONE), col(OutboxMessage.created_at) < before
        )
    )
    for message in rows:
        when = message.sent_at or message.created_at
        if when >= before:
            continue
        kept = {k: v for k, v in message.params.items() if k in _KEPT_PARAMS}
        if kept != message.params:
            session.execute(
                update(OutboxMessage).where(col(OutboxMessage.id) == message.id).values(params=kept)
            )
            emptied += 1
    session.commit()
    return emptied
