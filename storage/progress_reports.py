"""Transactions for periodic progress reports, each answering one progress_report deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from storage import outbox
from storage.answer_columns import answer_keys
from storage.deadlines import complete
from storage.draft_repository import DraftRepository, plain
from storage.drafts import Draft
from storage.experts_tables import Deployment, ProgressReport, ReportStatus
from storage.models import Deadline, DeadlineStatus
from storage.programmes import Coordinators, coordinators_of_deployment
from storage.references import next_reference

# The columns the form answers, marked where the table declares them (storage.answer_columns).
ANSWER_KEYS = answer_keys(ProgressReport)
NOTICE = "experts/progress_notice"


@dataclass(frozen=True)
class DueReport:
    """The progress report an expert owes next."""

    deadline_id: int
    deployment_id: int
    period: int
    due_at: datetime


@dataclass(frozen=True)
class ProgressFiled:
    """A submitted progress report."""

    reference: str
    period: int
    answers: dict[str, Any]


# The expert's progress reports in progress (bot.forms.DraftStore goes through it).
DRAFTS = DraftRepository(
    table=ProgressReport,
    form="progress",
    owner="person_id",
    draft=ReportStatus.DRAFT,
    discarded=ReportStatus.DISMISSED,
    answer_keys=ANSWER_KEYS,
    extend=plain,
)
save_answer, move_draft, discard_draft = DRAFTS.save, DRAFTS.move, DRAFTS.discard


def next_due(
    *, session: Session, person_id: int, deadline_id: int | None = None
) -> DueReport | None:
    """The earliest open progress-report deadline of the expert's deployments (or that one)."""
    query = (
        select(Deadline)
        .join(Deployment, col(Deployment.id) == col(Deadline.deployment_id))
        .where(
            col(Deployment.expert_id) == person_id,
            col(Deadline.kind) == "progress_report",
            col(Deadline.status) == DeadlineStatus.OPEN,
        )
        .order_by(col(Deadline.due_at), col(Deadline.id))
        .limit(1)
    )
    if deadline_id is not None:
        query = query.where(col(Deadline.id) == deadline_id)
    deadline = session.execute(query).scalar_one_or_none()
    if deadline is None or deadline.id is None or deadline.deployment_id is None:
        return None
    return DueReport(
        deadline_id=deadline.id,
        deployment_id=deadline.deployment_id,
        period=int(deadline.params.get("period") or deadline.key.rsplit(":", 1)[-1]),
        due_at=deadline.due_at,
    )


def current_draft(*, session: Session, person_id: int) -> Draft | None:
    """The expert's progress report being filled in, if any."""
    return DRAFTS.current(session=session, owner_id=person_id)


def period_of(*, session: Session, draft_id: int) -> tuple[int, datetime | None]:
    """The period number of a draft and its deadline's due time."""
    report = session.get_one(ProgressReport, draft_id)
    deadline = session.get(Deadline, report.deadline_id) if report.deadline_id else None
    return report.period, deadline.due_at if deadline else None


def start_draft(
    *, session: Session, person_id: int, due: DueReport, step: str, now: datetime
) -> Draft:
    """Open the progress report for the due deadline."""
    return DRAFTS.start(
        session=session,
        owner_id=person_id,
        step=step,
        now=now,
        deployment_id=due.deployment_id,
        deadline_id=due.deadline_id,
        period=due.period,
    )


def submit(
    *, session: Session, draft_id: int, coordinators: Coordinators, now: datetime
) -> ProgressFiled | None:
    """Submit the report, mark its deadline done and notify the coordinators, at once."""
    report = session.get_one(ProgressReport, draft_id, with_for_update=True)
    if report.status != ReportStatus.DRAFT:
        return None
    report.reference = next_reference(session, "PRG", now)
    report.status, report.step, report.submitted_at, report.updated_at = (
        ReportStatus.SUBMITTED,
        "",
        now,
        now,
    )
    if report.deadline_id is not None:
        # Met: the deadline is done and its remaining reminders are cancelled, all at once.
        complete(session, deadline_id=report.deadline_id, now=now, by=report.person_id)
    deployment = session.get_one(Deployment, report.deployment_id)
    answers = {key: getattr(report, key) for key in ANSWER_KEYS}
    params = {
        "reference": report.reference,
        "period": report.period,
        "expert": deployment.expert_name or "",
        "partnership": deployment.partnership or "",
        "country": deployment.country or "",
        "answers": answers,
    }
    for coordinator in coordinators_of_deployment(session, coordinators, deployment.id or 0):
        outbox.enqueue(
            session,
            recipient_id=coordinator,
            template=NOTICE,
            params=params,
            due_at=now,
            subject=report.reference,
            dedupe_key=f"progress:{report.reference}:{coordinator}",
        )
    session.commit()
    return ProgressFiled(reference=report.reference, period=report.period, answers=answers)
