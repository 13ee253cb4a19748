"""Transactions for activity reports being written: drafts, discarding, submission with the
coordinators' notices. Once submitted: storage.submitted_reports (the list, an edit, the review)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from storage import outbox
from storage.answer_columns import answer_keys
from storage.deployment_views import ExpertView, deployment_of_expert
from storage.draft_repository import DraftRepository
from storage.drafts import Draft
from storage.experts_tables import ActivityReport, Deployment, ReportStatus
from storage.models import Person
from storage.programmes import Coordinators, coordinators_of_deployment
from storage.references import next_reference

# The columns the form answers, marked where the table declares them (storage.answer_columns).
ANSWER_KEYS = answer_keys(ActivityReport)
NUMBERS = ("participants_total", "participants_women")
TITLE_LENGTH = 80
NOTICE = "experts/report_notice"


@dataclass
class ReportDraft(Draft):
    """A report draft, with the time zone its dates are judged in and the deployment's start
    (an activity cannot have taken place before it)."""

    zone: str = "UTC"
    started: date | None = None


@dataclass(frozen=True)
class Filed:
    """The outcome of filing a report: its reference and whether it was an update."""

    reference: str
    updated: bool
    answers: dict[str, Any] = field(default_factory=dict)


def _with_deployment(session: Session, report: ActivityReport, draft: Draft) -> ReportDraft:
    """The draft with its deployment's time zone and start (dates are judged by them)."""
    return with_expert(
        report, draft, deployment_of_expert(session=session, person_id=report.person_id)
    )


def with_expert(report: Any, draft: Draft, expert: ExpertView | None) -> ReportDraft:
    """The report's draft with the time zone and start of the expert's deployment (report: a
    loaded row or a result row with the table's columns)."""
    values = {**asdict(draft), "reference": report.reference}
    return ReportDraft(
        **values,
        zone=expert.zone if expert else "UTC",
        started=expert.start_date if expert else None,
    )


def _stored_number(value: Any) -> Any:
    return None if value == "" else value


# An expert's activity reports being written or edited (bot.forms.DraftStore goes through it).
DRAFTS = DraftRepository(
    table=ActivityReport,
    form="report",
    owner="person_id",
    draft=ReportStatus.DRAFT,
    discarded=ReportStatus.DISMISSED,
    answer_keys=ANSWER_KEYS,
    to_column={
        "activity_date": lambda value: date.fromisoformat(value) if value else None,
        **{key: _stored_number for key in NUMBERS},
    },
    to_answer={"activity_date": lambda value: value.isoformat() if value else value},
    blank={"submitted_answers": None, "media_group_id": None},
    newest="updated_at",
    extend=_with_deployment,
)
save_answer, move_draft = DRAFTS.save, DRAFTS.move


def draft_of(session: Session, report: ActivityReport) -> ReportDraft:
    """The report as the form engine sees it."""
    return DRAFTS.view_row(session, report)


def current_draft(*, session: Session, person_id: int) -> ReportDraft | None:
    """The expert's report being filled in or edited, if any."""
    return DRAFTS.current(session=session, owner_id=person_id)


def start_draft(
    *, session: Session, person_id: int, deployment_id: int, step: str, now: datetime
) -> ReportDraft:
    """Open a new, empty guided report."""
    return DRAFTS.start(
        session=session,
        owner_id=person_id,
        step=step,
        now=now,
        deployment_id=deployment_id,
        source="guided",
    )


def discard_draft(*, session: Session, draft_id: int) -> None:
    """Throw a new draft away, its answers deleted; an edit of a submitted report is undone
    (as submitted before)."""
    report = session.get_one(ActivityReport, draft_id)
    if report.status != ReportStatus.DRAFT:
        return
    if report.reference:
        restore_submitted(report)
        session.commit()
    else:
        DRAFTS.discard(session=session, draft_id=draft_id)


def restore_submitted(report: ActivityReport) -> None:
    """Undo an expert's edit of a submitted report: back as it was submitted."""
    for key, value in (report.submitted_answers or {}).items():
        if key == "activity_date" and value:
            value = date.fromisoformat(value)
        setattr(report, key, value)
    report.status, report.submitted_answers = ReportStatus.SUBMITTED, None
    report.step, report.paused, report.editing = "", False, False


def notice_params(session: Session, report: ActivityReport, updated: bool) -> dict[str, Any]:
    """What a coordinator's notice of the report shows."""
    deployment = session.get_one(Deployment, report.deployment_id)
    expert = session.get_one(Person, report.person_id)
    return {
        "report_id": report.id,
        "reference": report.reference,
        "updated": updated,
        "source": report.source,
        "expert": deployment.expert_name or expert.first_name,
        "partnership": deployment.partnership or "",
        "country": deployment.country or "",
        "city": deployment.city or "",
        "answers": DRAFTS.answers(report),
    }


def enqueue_notices(
    session: Session,
    report: ActivityReport,
    coordinators: Coordinators,
    now: datetime,
    updated: bool,
) -> None:
    """The notice with the summary to the coordinators of the report's programme, then each
    file as its own outbox row."""
    params = notice_params(session, report, updated)
    for coordinator in coordinators_of_deployment(session, coordinators, report.deployment_id):
        outbox.enqueue(
            session,
            recipient_id=coordinator,
            template=NOTICE,
            params=params,
            due_at=now,
            subject=report.reference,
        )
        for attachment in report.attachments or []:
            if attachment.get("forwarded"):  # sent with an earlier version of the report
                continue
            caption = " · ".join(p for p in (report.reference, attachment.get("caption")) if p)
            outbox.enqueue(
                session,
                recipient_id=coordinator,
                template=f"attachment:{attachment['type']}",
                params={"file_id": attachment["file_id"], "caption": caption[:1024]},
                due_at=now,
                subject=report.reference,
            )
    # A new list, so that the JSON column sees the change.
    report.attachments = [{**a, "forwarded": True} for a in report.attachments or []]


def submit(
    *,
    session: Session,
    draft_id: int,
    applicable: list[str],
    coordinators: Coordinators,
    now: datetime,
) -> Filed | None:
    """Submit (or resubmit after an edit) with the coordinators' notices, in one transaction.

    None if the report was submitted, reviewed or discarded meanwhile (a double tap).
    """
    report = session.get_one(ActivityReport, draft_id, with_for_update=True)
    if report.status != ReportStatus.DRAFT:
        return None
    for key in ANSWER_KEYS:
        if key not in applicable:
            setattr(report, key, None)
    updated = report.reference is not None
    if report.reference is None:
        report.reference = next_reference(session, "REP", now)
    report.status, report.step, report.editing, report.paused = (
        ReportStatus.SUBMITTED,
        "",
        False,
        False,
    )
    report.submitted_at, report.updated_at = now, now
    report.submitted_answers = None
    enqueue_notices(session, report, coordinators, now, updated)
    session.commit()
    return Filed(reference=report.reference, updated=updated, answers=DRAFTS.answers(report))
