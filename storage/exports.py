"""What was submitted, as flat rows a coordinator can open in a spreadsheet."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from storage import activity_reports, interest, progress_reports
from storage.experts_tables import ActivityReport, Deployment, ProgressReport, ReportStatus
from storage.models import ExpressionOfInterest, Status

Table = tuple[list[str], list[list[str]]]

_FINISHED_REPORTS = (ReportStatus.SUBMITTED, ReportStatus.REVIEWED)


# A spreadsheet reads a cell beginning with one of these as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """A value as spreadsheet text: lists joined with "; ", dates in ISO 8601 (UTC), and text
    that a spreadsheet would run as a formula made inert with a leading apostrophe."""
    text = _text(value)
    return "'" + text if text.startswith(FORMULA_STARTS) and not isinstance(value, int) else text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(_attachment(v) if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _attachment(item: dict[str, Any]) -> str:
    return f"{item.get('type', 'file')}:{item.get('name') or item.get('file_id', '')}"


def expressions_of_interest(*, session: Session) -> Table:
    """Every submitted expression of interest (not drafts), oldest first. One that its submitter
    is revising (returned for changes) is listed as returned, with its answers as submitted."""
    header = ["reference", "programme", "status", "submitted_at", "person_id", "language"]
    header += list(interest.ANSWER_KEYS)
    found = session.execute(
        select(ExpressionOfInterest)
        .where(
            col(ExpressionOfInterest.reference).is_not(None),
            col(ExpressionOfInterest.status) != Status.DISCARDED,
        )
        .order_by(col(ExpressionOfInterest.submitted_at), col(ExpressionOfInterest.id))
    ).scalars()
    rows = []
    for eoi in found:
        answers = {key: getattr(eoi, key) for key in interest.ANSWER_KEYS}
        status = eoi.status
        if eoi.status == Status.DRAFT:  # being revised: what was submitted counts
            answers, status = {**answers, **(eoi.submitted_answers or {})}, Status.RETURNED
        fixed = {name: getattr(eoi, name) for name in header[:6]} | {"status": status}
        rows.append(
            [cell(fixed[name]) for name in header[:6]]
            + [cell(answers[key]) for key in interest.ANSWER_KEYS]
        )
    return header, rows


_DEPLOYMENT_COLUMNS = ["expert_name", "expert_model", "partnership", "country", "city"]


def activity_reports_table(*, session: Session) -> Table:
    """Every submitted activity report with its deployment, oldest first."""
    header = ["reference", "status", "source", "submitted_at", "reviewed_at"]
    header += _DEPLOYMENT_COLUMNS + list(activity_reports.ANSWER_KEYS)
    found = session.execute(
        select(ActivityReport, Deployment)
        .join(Deployment, col(Deployment.id) == col(ActivityReport.deployment_id))
        .where(col(ActivityReport.status).in_(_FINISHED_REPORTS))
        .order_by(col(ActivityReport.submitted_at), col(ActivityReport.id))
    ).all()
    rows = [
        [cell(getattr(report, name)) for name in header[:5]]
        + [cell(getattr(deployment, name)) for name in _DEPLOYMENT_COLUMNS]
        + [cell(getattr(report, key)) for key in activity_reports.ANSWER_KEYS]
        for report, deployment in found
    ]
    return header, rows


def progress_reports_table(*, session: Session) -> Table:
    """Every submitted periodic progress report with its deployment, oldest first."""
    header = ["reference", "status", "period", "submitted_at"]
    header += _DEPLOYMENT_COLUMNS + list(progress_reports.ANSWER_KEYS)
    found = session.execute(
        select(ProgressReport, Deployment)
        .join(Deployment, col(Deployment.id) == col(ProgressReport.deployment_id))
        .where(col(ProgressReport.status).in_(_FINISHED_REPORTS))
        .order_by(col(ProgressReport.submitted_at), col(ProgressReport.id))
    ).all()
    rows = [
        [cell(getattr(report, name)) for name in header[:4]]
        + [cell(getattr(deployment, name)) for name in _DEPLOYMENT_COLUMNS]
        + [cell(getattr(report, key)) for key in progress_reports.ANSWER_KEYS]
        for report, deployment in found
    ]
    return header, rows


TABLES = {
    "interests": expressions_of_interest,
    "reports": activity_reports_table,
    "progress": progress_reports_table,
}
