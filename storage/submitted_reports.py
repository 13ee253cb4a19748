"""Activity reports once submitted: an expert's list of theirs and editing one again, the
coordinators' list of reports to review and marking one reviewed."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from storage import audit, outbox
from storage.activity_reports import DRAFTS, ReportDraft, draft_of, notice_params, restore_submitted
from storage.experts_tables import ActivityReport, Deployment, ReportStatus
from storage.programmes import report_in

REVIEWED_NOTICE = "experts/report_reviewed"


@dataclass(frozen=True)
class ReportView:
    """One of an expert's reports, for /myreports."""

    id: int
    reference: str | None
    status: str
    title: str | None
    description: str | None
    activity_date: date | None
    source: str
    attachments: int


@dataclass(frozen=True)
class ToReview:
    """A submitted report no coordinator has marked as reviewed yet, for /reports."""

    id: int
    reference: str
    title: str | None
    expert: str
    submitted_at: datetime | None


def reports_to_review(
    *, session: Session, programmes: Collection[str], limit: int = 10
) -> tuple[list[ToReview], int]:
    """The oldest submitted reports of the programmes not yet reviewed, and how many there are
    in all."""
    waiting = (
        col(ActivityReport.status) == ReportStatus.SUBMITTED,
        col(ActivityReport.reference).is_not(None),
        report_in(ActivityReport, programmes),
    )
    total = session.execute(select(func.count()).where(*waiting)).scalar_one()
    found = session.execute(
        select(ActivityReport, col(Deployment.expert_name))
        .join(Deployment, col(Deployment.id) == col(ActivityReport.deployment_id))
        .where(*waiting)
        .order_by(col(ActivityReport.submitted_at), col(ActivityReport.id))
        .limit(limit)
    ).all()
    items = [
        ToReview(r.id or 0, r.reference or "", r.title, name or "", r.submitted_at)
        for r, name in found
    ]
    return items, total


def notice_of(*, session: Session, report_id: int) -> dict[str, Any] | None:
    """A submitted report's notice, as coordinators get it (None if there is none to show)."""
    report = session.get(ActivityReport, report_id)
    if report is None or report.reference is None or report.status == ReportStatus.DISMISSED:
        return None
    return notice_params(session, report, updated=False)


def reports_of(*, session: Session, person_id: int, limit: int = 20) -> list[ReportView]:
    """The expert's submitted and reviewed reports (and one being edited), newest first."""
    found = session.execute(
        select(ActivityReport)
        .where(
            col(ActivityReport.person_id) == person_id,
            col(ActivityReport.status).in_(
                [ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.REVIEWED]
            ),
        )
        .order_by(col(ActivityReport.id).desc())
        .limit(limit)
    ).scalars()
    return [
        ReportView(
            id=r.id or 0,
            reference=r.reference,
            status=r.status,
            title=r.title,
            description=r.description,
            activity_date=r.activity_date,
            source=r.source,
            attachments=len(r.attachments or []),
        )
        for r in found
    ]


def start_edit(
    *, session: Session, report_id: int, person_id: int, now: datetime
) -> ReportDraft | str:
    """Reopen a submitted report at its summary; "reviewed" or "not_found" when not possible."""
    report = session.get(ActivityReport, report_id, with_for_update=True)
    if report is None or report.person_id != person_id:
        return "not_found"
    if report.status == ReportStatus.REVIEWED:
        return "reviewed"
    if report.status not in (ReportStatus.SUBMITTED, ReportStatus.DRAFT):
        return "not_found"
    other = session.execute(
        select(col(ActivityReport.id)).where(
            col(ActivityReport.person_id) == person_id,
            col(ActivityReport.status) == ReportStatus.DRAFT,
            col(ActivityReport.id) != report_id,
        )
    ).first()
    if other is not None:
        return "other_draft"
    report.submitted_answers = DRAFTS.answers(report)  # to undo the edit, if it is discarded
    report.status, report.step, report.editing, report.paused = (
        ReportStatus.DRAFT,
        "summary",
        False,
        False,
    )
    report.updated_at = now
    session.commit()
    return draft_of(session, report)


def mark_reviewed(
    *, session: Session, report_id: int, coordinator_id: int, now: datetime
) -> tuple[str, int | None]:
    """Record that a coordinator looked at the report, and the expert's id: (reviewed, already,
    reviewed_as_submitted or not_found). An edit the expert left unsent gives way: the report is
    reviewed as it was submitted (an abandoned edit must not block the review for ever)."""
    report = session.get(ActivityReport, report_id, with_for_update=True)
    if report is None or report.reference is None:
        return "not_found", None
    if report.status == ReportStatus.REVIEWED:
        return "already", report.person_id
    outcome = "reviewed"
    if report.status == ReportStatus.DRAFT:
        restore_submitted(report)
        outcome = "reviewed_as_submitted"
    if report.status != ReportStatus.SUBMITTED:
        return "not_found", None
    audit.record(
        session,
        at=now,
        actor=audit.actor_of(coordinator_id),
        subject_kind=audit.Subject.REPORT,
        subject_id=report_id,
        reference=report.reference,
        action=audit.Action.REVIEW,
        field="status",
        old=str(report.status),
        new=str(ReportStatus.REVIEWED),
    )
    report.status, report.reviewed_at, report.reviewed_by = (
        ReportStatus.REVIEWED,
        now,
        coordinator_id,
    )
    # The expert learns that the report is now final (in their own language, at send time).
    outbox.enqueue(
        session,
        recipient_id=report.person_id,
        template=REVIEWED_NOTICE,
        params={"reference": report.reference},
        due_at=now,
        subject=report.reference,
        dedupe_key=f"report-reviewed:{report.reference}",
    )
    session.commit()
    return outcome, report.person_id


def report_by_reference(*, session: Session, reference: str) -> ActivityReport | None:
    """A report by its reference (for tests and the shell)."""
    return session.execute(
        select(ActivityReport).where(col(ActivityReport.reference) == reference)
    ).scalar_one_or_none()
