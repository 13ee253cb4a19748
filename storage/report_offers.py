"""An expert's message offered as a report: kept until they file it quickly, add details in the
guided form, or say no; the offers still open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from storage.activity_reports import (
    DRAFTS,
    TITLE_LENGTH,
    Filed,
    ReportDraft,
    draft_of,
    enqueue_notices,
)
from storage.experts_tables import ActivityReport, ReportStatus
from storage.models import Person
from storage.people import record_update
from storage.programmes import Coordinators
from storage.references import next_reference


def offer(
    *,
    session: Session,
    person_id: int,
    deployment_id: int,
    text: str | None,
    attachment: dict[str, Any] | None,
    media_group_id: str | None,
    message_date: datetime,
    activity_date: date,
    update_id: int,
    now: datetime,
) -> tuple[int, bool]:
    """Keep a message as a report on offer; (its id, whether it is new).

    Photos of one album arrive one by one: those after the first join the first one's offer.
    """
    report = None
    if media_group_id:
        report = session.execute(
            select(ActivityReport).where(
                col(ActivityReport.person_id) == person_id,
                col(ActivityReport.media_group_id) == media_group_id,
                col(ActivityReport.status) == ReportStatus.OFFERED,
            )
        ).scalar_one_or_none()
    new = report is None
    if report is None:
        report = ActivityReport(
            person_id=person_id,
            deployment_id=deployment_id,
            status=ReportStatus.OFFERED,
            source="quick",
            media_group_id=media_group_id,
            message_date=message_date,
            activity_date=activity_date,
            attachments=[],
            created_at=now,
        )
        session.add(report)
    if text:
        report.description = "\n\n".join(p for p in (report.description, text) if p)[:8000]
        if not report.title:
            first_line = text.strip().splitlines()[0] if text.strip() else ""
            report.title = (
                first_line
                if len(first_line) <= TITLE_LENGTH
                else first_line[: TITLE_LENGTH - 1].rstrip() + "…"
            ) or None
    if attachment is not None:
        # A new list, so that the JSON column sees the change.
        report.attachments = [*(report.attachments or []), attachment]
    report.updated_at = now
    record_update(session.get_one(Person, person_id), update_id, now)
    session.commit()
    assert report.id is not None
    return report.id, new


@dataclass(frozen=True)
class OfferView:
    """A message the bot offered to file as a report, still waiting for the expert's answer."""

    id: int
    title: str | None
    attachments: int
    message_date: datetime | None


def open_offers(*, session: Session, person_id: int, limit: int = 5) -> tuple[list[OfferView], int]:
    """The person's messages still on offer, oldest first (at most limit), and how many."""
    waiting = (
        col(ActivityReport.person_id) == person_id,
        col(ActivityReport.status) == ReportStatus.OFFERED,
    )
    total = session.execute(select(func.count()).where(*waiting)).scalar_one()
    if not total or limit <= 0:  # only the count was asked for (/start), or there is nothing
        return [], total
    reports = session.execute(
        select(ActivityReport).where(*waiting).order_by(col(ActivityReport.id)).limit(limit)
    ).scalars()
    shown = [
        OfferView(r.id or 0, r.title, len(r.attachments or []), r.message_date) for r in reports
    ]
    return shown, total


def _offered(session: Session, report_id: int, person_id: int) -> ActivityReport | None:
    report = session.get(ActivityReport, report_id, with_for_update=True)
    if report is None or report.person_id != person_id or report.status != ReportStatus.OFFERED:
        return None
    return report


def file_quick(
    *, session: Session, report_id: int, person_id: int, coordinators: Coordinators, now: datetime
) -> Filed | None:
    """Submit the offered message as it is; None if it is not this person's open offer."""
    report = _offered(session, report_id, person_id)
    if report is None:
        return None
    report.reference = next_reference(session, "REP", now)
    report.status, report.submitted_at, report.updated_at = ReportStatus.SUBMITTED, now, now
    report.media_group_id = None
    enqueue_notices(session, report, coordinators, now, updated=False)
    session.commit()
    return Filed(reference=report.reference, updated=False, answers=DRAFTS.answers(report))


def detail_offer(
    *, session: Session, report_id: int, person_id: int, step: str, now: datetime
) -> ReportDraft | None:
    """Turn the offered message into a guided draft, prefilled with what it said."""
    report = _offered(session, report_id, person_id)
    if report is None:
        return None
    report.status, report.source, report.step, report.media_group_id = (
        ReportStatus.DRAFT,
        "guided",
        step,
        None,
    )
    report.updated_at = now
    session.commit()
    return draft_of(session, report)


def dismiss_offer(*, session: Session, report_id: int, person_id: int) -> bool:
    """The expert does not want this message filed: it is deleted at once."""
    report = _offered(session, report_id, person_id)
    if report is None:
        return False
    session.delete(report)
    session.commit()
    return True


# -- the expert's list, editing, review ---------------------------------------------------------
