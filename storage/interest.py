"""Transactions for expressions of interest: the draft's answers, submission, the list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session

from storage import outbox
from storage.drafts import Draft
from storage.models import ExpressionOfInterest, Organisation, Person, Programme, Status
from storage.people import record_update
from storage.references import next_reference

# The columns a person answers; the forms' question keys are taken from these.
ANSWER_KEYS = (
    "german_state",
    "partner_country",
    "contact_name",
    "contact_function",
    "contact_email",
    "consent",
    "german_municipality",
    "partner_municipality",
    "partnership_age",
    "expertise",
    "tasks_goals",
    "expert_model",
    "advisor_answers",
    "advisor_recommendation",
    "authority_level",
    "german_authority",
    "partner_authority",
    "topics",
    "goals",
    "methods",
    "duration",
    "letter_of_intent",
    "sdgs",
    "do_no_harm",
    "gender_diversity",
)


@dataclass(frozen=True)
class SubmissionView:
    """One of a person's expressions of interest, for /mine."""

    id: int
    reference: str | None
    programme: str
    status: str
    partner_country: str | None
    partner_name: str | None
    submitted_at: datetime | None
    step: str


@dataclass(frozen=True)
class Submitted:
    """The outcome of a submission: its reference and the answers as submitted."""

    reference: str
    programme: str
    answers: dict[str, Any]


def _draft(eoi: ExpressionOfInterest) -> Draft:
    assert eoi.id is not None
    return Draft(
        id=eoi.id,
        form=eoi.programme,
        step=eoi.step,
        editing=eoi.editing,
        paused=eoi.paused,
        answers={key: getattr(eoi, key) for key in ANSWER_KEYS},
    )


def current_draft(*, session: Session, person_id: int) -> Draft | None:
    """The person's unsubmitted expression of interest, if any."""
    eoi = session.execute(
        select(ExpressionOfInterest)
        .where(
            ExpressionOfInterest.person_id == person_id,
            ExpressionOfInterest.status == Status.DRAFT,
        )
        .order_by(ExpressionOfInterest.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return _draft(eoi) if eoi else None


def start_draft(
    *, session: Session, person_id: int, programme: Programme, step: str, now: datetime
) -> Draft:
    """Open a new draft for the programme; an older draft of the person is discarded."""
    session.execute(
        update(ExpressionOfInterest)
        .where(
            ExpressionOfInterest.person_id == person_id,
            ExpressionOfInterest.status == Status.DRAFT,
        )
        .values(status=Status.DISCARDED, updated_at=now)
    )
    eoi = ExpressionOfInterest(
        person_id=person_id, programme=programme, step=step, created_at=now, updated_at=now
    )
    session.add(eoi)
    session.commit()
    return _draft(eoi)


def save_answer(
    *,
    session: Session,
    draft_id: int,
    answers: dict[str, Any],
    step: str,
    editing: bool,
    update_id: int | None,
    now: datetime,
) -> Draft:
    """Store answers and the next step in one commit, before the bot replies."""
    eoi = session.get_one(ExpressionOfInterest, draft_id)
    for key, value in answers.items():
        if key not in ANSWER_KEYS:
            raise KeyError(key)
        setattr(eoi, key, value)
    eoi.step, eoi.editing, eoi.paused, eoi.updated_at = step, editing, False, now
    person = session.get_one(Person, eoi.person_id)
    record_update(person, update_id, now)
    session.commit()
    return _draft(eoi)


def move_draft(*, session: Session, draft_id: int, step: str, editing: bool, paused: bool) -> Draft:
    """Move the draft to another step (Back, an edit, pause) without changing answers."""
    eoi = session.get_one(ExpressionOfInterest, draft_id)
    eoi.step, eoi.editing, eoi.paused = step, editing, paused
    session.commit()
    return _draft(eoi)


def discard_draft(*, session: Session, draft_id: int) -> None:
    """The person threw the draft away."""
    session.execute(
        update(ExpressionOfInterest)
        .where(ExpressionOfInterest.id == draft_id, ExpressionOfInterest.status == Status.DRAFT)
        .values(status=Status.DISCARDED)
    )
    session.commit()


def submit_draft(
    *,
    session: Session,
    draft_id: int,
    applicable: list[str],
    coordinators: list[int],
    now: datetime,
) -> Submitted | None:
    """Submit the draft: reference, organisations, status and the coordinators' notices at once.

    Answers to questions that no longer apply (after an edit) are cleared. None if the draft
    was submitted or discarded already (a double tap on Submit).
    """
    eoi = session.get_one(ExpressionOfInterest, draft_id, with_for_update=True)
    if eoi.status != Status.DRAFT:
        return None
    for key in ANSWER_KEYS:
        if key not in applicable and key not in ("advisor_answers", "advisor_recommendation"):
            setattr(eoi, key, None)
    if eoi.programme == Programme.FACHKRAEFTEFONDS:
        german = Organisation(
            name=eoi.german_municipality or "",
            kind="municipality",
            side="german",
            country="DE",
            state=eoi.german_state,
        )
        partner = Organisation(
            name=eoi.partner_municipality or "",
            kind="municipality",
            side="partner",
            country=eoi.partner_country or "",
        )
    else:
        german = Organisation(
            name=eoi.german_authority or "",
            kind="authority",
            side="german",
            country="DE",
            state=eoi.german_state,
            level=eoi.authority_level,
        )
        partner = Organisation(
            name=eoi.partner_authority or "",
            kind="authority",
            side="partner",
            country=eoi.partner_country or "",
        )
    session.add_all([german, partner])
    session.flush()
    eoi.german_org_id, eoi.partner_org_id = german.id, partner.id
    eoi.reference = next_reference(session, "EOI", now.year)
    eoi.status, eoi.step, eoi.submitted_at, eoi.updated_at = Status.SUBMITTED, "", now, now
    person = session.get_one(Person, eoi.person_id)
    eoi.language = person.language or "en"
    answers = {key: getattr(eoi, key) for key in ANSWER_KEYS}
    params = {"reference": eoi.reference, "programme": eoi.programme, "answers": answers}
    for coordinator in coordinators:
        outbox.enqueue(
            session,
            recipient_id=coordinator,
            template="notices/eoi_submitted",
            params=params,
            due_at=now,
            subject=eoi.reference,
            dedupe_key=f"eoi-submitted:{eoi.reference}:{coordinator}",
        )
    session.commit()
    return Submitted(reference=eoi.reference, programme=eoi.programme, answers=answers)


def submissions_of(*, session: Session, person_id: int) -> list[SubmissionView]:
    """The person's expressions of interest, newest first (drafts included)."""
    rows = session.execute(
        select(ExpressionOfInterest)
        .where(
            ExpressionOfInterest.person_id == person_id,
            ExpressionOfInterest.status != Status.DISCARDED,
        )
        .order_by(ExpressionOfInterest.id.desc())
    ).scalars()
    return [
        SubmissionView(
            id=e.id or 0,
            reference=e.reference,
            programme=e.programme,
            status=e.status,
            partner_country=e.partner_country,
            partner_name=e.partner_municipality or e.partner_authority,
            submitted_at=e.submitted_at,
            step=e.step,
        )
        for e in rows
    ]
