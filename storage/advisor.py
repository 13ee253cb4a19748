"""Transactions for the expert-model advisor: its answers as they are given, its result, and
handing the chosen model back to the expression of interest it was started from."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from storage import interest
from storage.advisor_tables import AdvisorSession
from storage.draft_repository import DraftRepository
from storage.drafts import Draft
from storage.models import ExpressionOfInterest, Status

FORM = "advisor"
# open: being answered; done: recommendation shown; applied: its model went into the form.
OPEN, DONE, APPLIED, DISCARDED = "open", "done", "applied", "discarded"


@dataclass(frozen=True)
class AdvisorResult:
    """A finished (or open) advisor run, as the bot needs it after the last answer."""

    id: int
    status: str
    eoi_id: int | None
    answers: dict[str, Any]
    recommendation: dict[str, Any] | None


@dataclass
class AdvisorDraft(Draft):
    """An advisor run, with the expression of interest it was started from (if any): once the
    run is discarded (deleted) the bot still knows where to go back to."""

    eoi_id: int | None = None


def _with_eoi(session: Session, row: AdvisorSession, draft: Draft) -> AdvisorDraft:
    return with_eoi(row, draft)


def with_eoi(row: Any, draft: Draft) -> AdvisorDraft:
    """The run's draft with the expression of interest it came from (row: a loaded one or a
    result row with the table's columns)."""
    return AdvisorDraft(**asdict(draft), eoi_id=row.eoi_id)


# A person's advisor runs (bot.forms.DraftStore goes through it): answers in one JSON column.
DRAFTS = DraftRepository(
    table=AdvisorSession,
    form=FORM,
    owner="person_id",
    draft=OPEN,
    discarded=DISCARDED,
    blank={"recommendation": None},
    extend=_with_eoi,
)
save_answers, move_session, discard_session = DRAFTS.save, DRAFTS.move, DRAFTS.discard


def current_session(*, session: Session, person_id: int) -> Draft | None:
    """The person's open advisor run, if any."""
    return DRAFTS.current(session=session, owner_id=person_id)


def start_session(
    *,
    session: Session,
    person_id: int,
    step: str,
    answers: dict[str, Any],
    eoi_id: int | None,
    now: datetime,
) -> Draft:
    """Open a new advisor run (an older open one of the person is discarded)."""
    return DRAFTS.start(
        session=session,
        owner_id=person_id,
        step=step,
        now=now,
        replacing=True,
        answers=answers,
        eoi_id=eoi_id,
    )


def finish_session(
    *, session: Session, draft_id: int, recommendation: dict[str, Any], now: datetime
) -> AdvisorResult | None:
    """Record the recommendation and close the run; None if it was not open any more."""
    row = session.get_one(AdvisorSession, draft_id, with_for_update=True)
    if row.status != OPEN:
        return None
    row.status, row.recommendation, row.step, row.updated_at = DONE, recommendation, "", now
    session.commit()
    return result_of(session=session, advisor_id=draft_id, person_id=row.person_id)


def result_of(*, session: Session, advisor_id: int, person_id: int) -> AdvisorResult | None:
    """The person's advisor run with this id (None if it is someone else's or unknown)."""
    row = session.get(AdvisorSession, advisor_id)
    if row is None or row.person_id != person_id:
        return None
    return AdvisorResult(
        id=advisor_id,
        status=row.status,
        eoi_id=row.eoi_id,
        answers=dict(row.answers or {}),
        recommendation=dict(row.recommendation) if row.recommendation else None,
    )


def take_model(
    *,
    session: Session,
    advisor_id: int,
    eoi_id: int,
    model: str,
    step: str,
    editing: bool,
    update_id: int | None,
    now: datetime,
) -> Draft | None:
    """Put the chosen model, the advisor's answers and its recommendation into the draft.

    One transaction: the advisor run is marked as used and the draft moves on. None if the
    draft is no longer open (submitted or discarded meanwhile) or the result was used already.
    """
    eoi = session.get(ExpressionOfInterest, eoi_id)
    row = session.get_one(AdvisorSession, advisor_id)
    if eoi is None or eoi.status != Status.DRAFT or row.eoi_id != eoi_id or row.status != DONE:
        return None
    answers = dict(row.answers or {})
    best = (row.recommendation or {}).get("best")
    row.status, row.updated_at = APPLIED, now
    # The draft's answers and the change of the advisor run above go in one commit.
    session.flush()
    saved = interest.save_answer(
        connection=session.connection(),
        draft=interest.draft_of(eoi),
        answers={"expert_model": model, "advisor_answers": answers, "advisor_recommendation": best},
        step=step,
        editing=editing,
        update_id=update_id,
        now=now,
    )
    session.commit()
    return saved
