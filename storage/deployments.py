"""Transactions for deployments: a coordinator's draft, registering, the report deadlines."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session, col

from storage import programmes
from storage.answer_columns import answer_keys
from storage.deadlines import add_deadline
from storage.deployment_views import DeploymentView, view, zone_for
from storage.draft_repository import DraftRepository, plain
from storage.drafts import Draft
from storage.experts_tables import Deployment, DeploymentStatus, ReportingInterval
from storage.invitations import issue_invitation
from storage.models import ExpressionOfInterest, Status
from storage.programmes import deployment_in

DEFAULT_LENGTH_YEARS = 2
MONTHS = {ReportingInterval.MONTHLY: 1, ReportingInterval.QUARTERLY: 3}

# The columns the form answers, marked where the table declares them (storage.answer_columns).
ANSWER_KEYS = answer_keys(Deployment)

# A discarded draft keeps none of its answers (nor the expression of interest it pointed to).


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def default_end(start: date) -> date:
    """The usual end of a deployment: two years after its start."""
    return add_months(start, 12 * DEFAULT_LENGTH_YEARS)


def report_due_dates(start: date, end: date, interval: str) -> list[date]:
    """The end of each reporting period from start to end (the last one at the end date)."""
    step = MONTHS[ReportingInterval(interval)]
    dues, n = [], 1
    while (due := add_months(start, step * n)) < end:
        dues.append(due)
        n += 1
    dues.append(end)
    return dues


def _stored_date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _answered_date(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _stored(value: Any) -> Any:
    return value if value != "" else None


# A coordinator's deployment being registered (bot.forms.DraftStore goes through it).
DRAFTS = DraftRepository(
    table=Deployment,
    form="deployment",
    owner="created_by",
    draft=DeploymentStatus.DRAFT,
    discarded=DeploymentStatus.DISCARDED,
    answer_keys=ANSWER_KEYS,
    to_column={
        **{key: _stored for key in ANSWER_KEYS},
        "start_date": _stored_date,
        "end_date": _stored_date,
    },
    to_answer={"start_date": _answered_date, "end_date": _answered_date},
    blank={"eoi_id": None},
    extend=plain,
)
move_draft, discard_draft = DRAFTS.move, DRAFTS.discard


# -- the coordinator's draft --------------------------------------------------------------------
def current_draft(*, session: Session, coordinator_id: int) -> Draft | None:
    """The coordinator's deployment still being registered, if any."""
    return DRAFTS.current(session=session, owner_id=coordinator_id)


def start_draft(*, session: Session, coordinator_id: int, step: str, now: datetime) -> Draft:
    """Open a new deployment draft (an older one of the coordinator is discarded)."""
    return DRAFTS.start(
        session=session, owner_id=coordinator_id, step=step, now=now, replacing=True
    )


def save_answer(
    *,
    session: Session,
    draft: Draft,
    answers: dict[str, Any],
    step: str,
    editing: bool,
    update_id: int | None,
    now: datetime,
    of_programmes: Collection[str] = programmes.ALL,
) -> Draft:
    """Store the coordinator's answers and the next step; an accepted expression of interest
    named (of the coordinator's programmes) fills in the partnership and the country still
    open."""
    saved = DRAFTS.save(
        session=session,
        draft=draft,
        answers=answers,
        step=step,
        editing=editing,
        update_id=update_id,
        now=now,
    )
    if not answers.get("eoi_reference"):
        return saved
    deployment = session.get_one(Deployment, draft.id)
    _prefill_from(session, deployment, of_programmes)
    session.commit()
    return DRAFTS.move(session=session, draft_id=draft.id, step=step, editing=editing, paused=False)


def is_accepted_reference(
    *, session: Session, reference: str, of_programmes: Collection[str] = programmes.ALL
) -> bool:
    """Whether a deployment may follow the expression of interest with this reference (see
    find_expression_of_interest)."""
    return find_expression_of_interest(session, reference, of_programmes) is not None


def find_expression_of_interest(
    session: Session, reference: str, of_programmes: Collection[str] = programmes.ALL
) -> ExpressionOfInterest | None:
    """An accepted expression of interest by its reference (EOI-2026-0001): a deployment follows
    the programme's yes, never a declined or undecided one (nor one of a programme the
    coordinator does not coordinate)."""
    return session.execute(
        select(ExpressionOfInterest).where(
            col(ExpressionOfInterest.reference) == reference.strip().upper(),
            col(ExpressionOfInterest.status) == Status.ACCEPTED,
            programmes.eoi_in(of_programmes),
        )
    ).scalar_one_or_none()


def _prefill_from(session: Session, deployment: Deployment, of_programmes: Collection[str]) -> None:
    """Partnership and country from the accepted expression of interest just named (where not
    answered yet); the coordinator sees them as current answers to keep or change."""
    eoi = find_expression_of_interest(session, deployment.eoi_reference or "", of_programmes)
    if eoi is None:
        return
    german = eoi.german_municipality or eoi.german_authority
    partner = eoi.partner_municipality or eoi.partner_authority
    if deployment.partnership is None and german and partner:
        deployment.partnership = f"{german} – {partner}"
    if deployment.country is None and eoi.partner_country:
        deployment.country = eoi.partner_country


def _activate(session: Session, deployment: Deployment, code: str, now: datetime) -> None:
    """Make the deployment active: its invitation and its progress-report deadlines."""
    assert deployment.id is not None and deployment.start_date and deployment.interval
    if deployment.end_date is None:
        deployment.end_date = default_end(deployment.start_date)
    deployment.status, deployment.step, deployment.updated_at = DeploymentStatus.ACTIVE, "", now
    issue_invitation(session, deployment_id=deployment.id, code=code, now=now)
    zone = ZoneInfo(zone_for(deployment.country))
    for n, due in enumerate(
        report_due_dates(deployment.start_date, deployment.end_date, deployment.interval), 1
    ):
        # Due at the end of that day where the expert works.
        due_at = datetime.combine(due, time(23, 59), tzinfo=zone).astimezone(UTC)
        if due_at <= now:
            # A deployment registered after it began: periods already over are not asked for
            # (the numbering stays, so report n is always the same period).
            continue
        add_deadline(
            session,
            kind="progress_report",
            key=f"deployment:{deployment.id}:report:{n}",
            due_at=due_at,
            deployment_id=deployment.id,
            person_id=deployment.expert_id,
            params={"period": n},
            created_by=deployment.created_by,
        )


def register_draft(
    *,
    session: Session,
    draft_id: int,
    code: str,
    now: datetime,
    of_programmes: Collection[str] = programmes.ALL,
) -> DeploymentView | str:
    """Register the coordinator's draft; the key of an answer to correct if one is wrong.

    Returns "eoi_reference" when the linked expression of interest does not exist among the
    coordinator's programmes (the wrong reference is cleared), "end_date"
    when the end is not after the start, and "submitted" when it was registered already.
    """
    deployment = session.get_one(Deployment, draft_id, with_for_update=True)
    if deployment.status != DeploymentStatus.DRAFT:
        return "submitted"
    if deployment.eoi_reference:
        eoi = find_expression_of_interest(session, deployment.eoi_reference, of_programmes)
        if eoi is None:
            # Cleared, so that the question can be skipped; the coordinator is told the value.
            deployment.eoi_reference = None
            session.commit()
            return "eoi_reference"
        deployment.eoi_id, deployment.eoi_reference = eoi.id, eoi.reference
    assert deployment.start_date is not None
    if deployment.end_date is not None and deployment.end_date <= deployment.start_date:
        return "end_date"
    _activate(session, deployment, code, now)
    session.commit()
    return view(session, deployment)


def create_deployment(
    *,
    session: Session,
    values: dict[str, Any],
    code: str,
    created_by: int | None,
    now: datetime,
) -> DeploymentView | str:
    """Register a deployment in one go (the command line); the bad field's key otherwise."""
    answers: dict[str, Any] = {key: values.get(key) for key in ANSWER_KEYS}
    deployment = Deployment(
        **answers,
        created_by=created_by,
        created_at=now,
        updated_at=now,
    )
    if deployment.eoi_reference:
        eoi = find_expression_of_interest(session, deployment.eoi_reference)
        if eoi is None:
            return "eoi_reference"
        deployment.eoi_id, deployment.eoi_reference = eoi.id, eoi.reference
    assert deployment.start_date is not None
    if deployment.end_date is not None and deployment.end_date <= deployment.start_date:
        return "end_date"
    session.add(deployment)
    session.flush()
    _activate(session, deployment, code, now)
    session.commit()
    return view(session, deployment)


def deployments(
    *, session: Session, programmes: Collection[str], limit: int = 30
) -> list[DeploymentView]:
    """The registered deployments of the programmes, newest first."""
    found = session.execute(
        select(Deployment)
        .where(col(Deployment.status) == DeploymentStatus.ACTIVE, deployment_in(programmes))
        .order_by(col(Deployment.id).desc())
        .limit(limit)
    ).scalars()
    return [view(session, d) for d in found]


# -- the expert's side --------------------------------------------------------------------------
