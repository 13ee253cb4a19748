"""What was submitted, as plain records (stored values, not yet labelled) for the exports.

Each function returns dicts keyed by the tables' column names; the bot's export (bot.export_sheets)
turns the values into labels in a reader's language. Drafts are never exported. Each takes the
programmes to export (all by default: the command line is the operator's; in chat a coordinator
of one programme gets only its rows).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from storage import activity_reports, interest, progress_reports
from storage.experts_tables import (
    ActivityReport,
    Deployment,
    DeploymentStatus,
    ProgressReport,
    ReportStatus,
)
from storage.models import ExpressionOfInterest, Status
from storage.programmes import ALL, deployment_in, eoi_in, of_deployment

Record = dict[str, Any]

FINISHED_REPORTS = (ReportStatus.SUBMITTED, ReportStatus.REVIEWED)
DEPLOYMENT_KEYS = (
    "expert_name",
    "expert_model",
    "eoi_reference",
    "partnership",
    "country",
    "city",
    "start_date",
    "end_date",
    "interval",
)


def interests(*, session: Session, programmes: Collection[str] = ALL) -> list[Record]:
    """Every submitted expression of interest, oldest first. One that its submitter is revising
    (returned for changes) is listed as returned, with its answers as submitted."""
    found = session.execute(
        select(ExpressionOfInterest)
        .where(
            col(ExpressionOfInterest.reference).is_not(None),
            col(ExpressionOfInterest.status) != Status.DISCARDED,
            eoi_in(programmes),
        )
        .order_by(col(ExpressionOfInterest.submitted_at), col(ExpressionOfInterest.id))
    ).scalars()
    records = []
    for eoi in found:
        answers = {key: getattr(eoi, key) for key in interest.ANSWER_KEYS}
        status = eoi.status
        if eoi.status == Status.DRAFT:  # being revised: what was submitted counts
            answers, status = {**answers, **(eoi.submitted_answers or {})}, Status.RETURNED
        fixed = ("reference", "programme", "submitted_at", "person_id", "language")
        records.append({name: getattr(eoi, name) for name in fixed} | answers | {"status": status})
    return records


def _deployment(deployment: Deployment) -> Record:
    return {key: getattr(deployment, key) for key in DEPLOYMENT_KEYS}


def _with_deployment(
    session: Session,
    table: type[ActivityReport] | type[ProgressReport],
    keys: tuple[str, ...],
    programmes: Collection[str],
) -> list[Record]:
    """Every finished report of a kind with its deployment's answers, oldest first."""
    found = session.execute(
        select(table, Deployment)
        .join(Deployment, col(Deployment.id) == col(table.deployment_id))
        .where(col(table.status).in_(FINISHED_REPORTS), deployment_in(programmes))
        .order_by(col(table.submitted_at), col(table.id))
    ).all()
    return [
        _deployment(deployment) | {key: getattr(report, key) for key in keys}
        for report, deployment in found
    ]


def reports(*, session: Session, programmes: Collection[str] = ALL) -> list[Record]:
    """Every submitted activity report with its deployment's answers, oldest first."""
    fixed = ("id", "deployment_id", "reference", "status", "source", "submitted_at")
    keys = (*fixed, "reviewed_at", *activity_reports.ANSWER_KEYS, "attachments")
    return _with_deployment(session, ActivityReport, keys, programmes)


def progress(*, session: Session, programmes: Collection[str] = ALL) -> list[Record]:
    """Every submitted periodic progress report with its deployment's answers, oldest first."""
    keys = ("reference", "status", "period", "submitted_at", *progress_reports.ANSWER_KEYS)
    return _with_deployment(session, ProgressReport, keys, programmes)


def deployments(*, session: Session, programmes: Collection[str] = ALL) -> list[Record]:
    """Every registered deployment (not those still being filled in) with its programme, oldest
    first."""
    found = session.execute(
        select(Deployment, of_deployment())
        .where(col(Deployment.status) == DeploymentStatus.ACTIVE, deployment_in(programmes))
        .order_by(col(Deployment.created_at), col(Deployment.id))
    ).all()
    return [
        _deployment(d)
        | {"id": d.id, "created_at": d.created_at, "bound_at": d.bound_at, "programme": programme}
        for d, programme in found
    ]


def everything(*, session: Session, programmes: Collection[str] = ALL) -> dict[str, list[Record]]:
    """The records of every kind, read in one transaction."""
    return {
        "interests": interests(session=session, programmes=programmes),
        "reports": reports(session=session, programmes=programmes),
        "progress": progress(session=session, programmes=programmes),
        "deployments": deployments(session=session, programmes=programmes),
    }
