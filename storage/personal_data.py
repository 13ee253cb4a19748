"""The right of access (GDPR Art. 15): everything stored about a person, as plain values."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from storage.advisor_tables import AdvisorSession
from storage.experts_tables import ActivityReport, Deployment, ProgressReport
from storage.local_time import zone_of
from storage.models import (
    Deadline,
    ExpressionOfInterest,
    OutboxMessage,
    OutboxStatus,
    Person,
    table_of,
)
from storage.reminders_tables import NotificationPreference

# Bookkeeping of the bot itself, not data about the person (where a form stood, update ids).
_INTERNAL = frozenset(
    {
        "step",
        "editing",
        "paused",
        "last_update_id",
        "last_update_at",
        "active_flow",
        "media_group_id",
        "submitted_answers",
        "claimed_by",
        "claimed_until",
        "bundle_id",
        "dedupe_key",
        "planned_for",
        "reminded_message_id",
    }
)
# Telegram's handles for a photo or document: the list shows what the file is, not the handle.
_ATTACHMENT_FIELDS = ("type", "name", "mime")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _record(row: SQLModel) -> dict[str, Any]:
    """A stored row as a dict of plain values, without the bot's bookkeeping or empty fields."""
    values = {}
    for column in table_of(type(row)).columns:
        value = getattr(row, column.name)
        if column.name in _INTERNAL or value is None or value == "":
            continue
        if column.name == "attachments":
            value = [{k: item.get(k) for k in _ATTACHMENT_FIELDS if item.get(k)} for item in value]
        values[column.name] = _plain(value)
    return values


def _mine(session: Session, table: Any, column: Any, person_id: int) -> list[dict[str, Any]]:
    rows = session.exec(select(table).where(col(column) == person_id).order_by(col(table.id)))
    return [_record(row) for row in rows]


def personal_data(*, session: Session, person_id: int) -> dict[str, Any] | None:
    """Everything stored about the person, by kind; None if the bot does not know them.

    `zone` is the time zone the person's dates are shown in."""
    person = session.get(Person, person_id)
    if person is None:
        return None
    eois = _mine(session, ExpressionOfInterest, ExpressionOfInterest.person_id, person_id)
    preference = session.get(NotificationPreference, person_id)
    sent = session.exec(
        select(OutboxMessage)
        .where(
            col(OutboxMessage.recipient_id) == person_id,
            col(OutboxMessage.status) == OutboxStatus.SENT,
        )
        .order_by(col(OutboxMessage.sent_at))
    )
    return {
        "zone": zone_of(session, person_id),
        "profile": _record(person),
        "notifications": _record(preference) if preference else None,
        "drafts": [e for e in eois if "reference" not in e and e.get("status") == "draft"],
        "submissions": [e for e in eois if "reference" in e],
        "advisor_runs": _mine(session, AdvisorSession, AdvisorSession.person_id, person_id),
        "deployments": _mine(session, Deployment, Deployment.expert_id, person_id),
        "activity_reports": _mine(session, ActivityReport, ActivityReport.person_id, person_id),
        "progress_reports": _mine(session, ProgressReport, ProgressReport.person_id, person_id),
        "deadlines": _mine(session, Deadline, Deadline.person_id, person_id),
        "messages_sent": [
            {"what": m.template, "about": m.subject, "sent_at": _plain(m.sent_at)} for m in sent
        ],
    }
