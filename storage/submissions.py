"""Submitting an expression of interest (reference, organisations, the coordinators' notices
in one transaction) and the person's list of submissions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlmodel import Session, col

from storage import audit, outbox
from storage.db import on_connection
from storage.deadlines import complete_call_deadlines
from storage.interest import ANSWER_KEYS, ASKED_KEYS
from storage.models import (
    ExpressionOfInterest,
    Organisation,
    Person,
    Programme,
    Status,
    table_of,
    utcnow,
)
from storage.references import next_reference

_TABLE = table_of(ExpressionOfInterest)


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
    resubmitted: bool = False  # a revision of a submission that was returned for changes


@on_connection
def submit_draft(
    *,
    connection: Connection,
    draft_id: int,
    applicable: list[str],
    coordinators: list[int],
    now: datetime,
    language: str | None = None,
) -> Submitted | None:
    """Submit the draft: reference, organisations, status and the coordinators' notices at once.
    language: the one the submitter used (else the one they chose, else English).

    Answers to questions that no longer apply (after an edit) are cleared. None if the draft
    was submitted or discarded already (a double tap on Submit): the conditional UPDATE lets
    exactly one submission through, also with two at once.
    """
    cleared = frozenset(ANSWER_KEYS) - frozenset(applicable) - _KEPT_ON_SUBMIT
    # A revision's answers as submitted before it was returned: what changed is recorded.
    before = connection.execute(_SUBMITTED_BEFORE, {"draft_id": draft_id}).scalar_one_or_none()
    row = connection.execute(_submit_statement(cleared), {"draft_id": draft_id, "now": now}).first()
    if row is None:
        if connection.execute(_OPEN_DRAFT, {"draft_id": draft_id}).first() is not None:
            raise ConsentMissing(draft_id)  # still a draft: only the consent held it back
        return None
    german, partner = _organisations(row)
    resubmitted = row.reference is not None  # a revision of a submission returned for changes
    if resubmitted and row.german_org_id is not None and row.partner_org_id is not None:
        german_id, partner_id = row.german_org_id, row.partner_org_id
        for org_id, organisation in ((german_id, german), (partner_id, partner)):
            changed = {key: organisation[key] for key in ("name", "kind", "country", "state")}
            connection.execute(
                _UPDATE_ORGANISATION, {**changed, "level": organisation["level"], "org_id": org_id}
            )
    else:
        german_id = connection.execute(_INSERT_ORGANISATION, german).scalar_one()
        partner_id = connection.execute(_INSERT_ORGANISATION, partner).scalar_one()
    reference = row.reference or next_reference(connection, "EOI", now)
    language = language or connection.execute(_PERSON_LANGUAGE, {"id": row.person_id}).scalar_one()
    connection.execute(
        _FINISH_SUBMISSION,
        {
            "draft_id": draft_id,
            "german": german_id,
            "partner": partner_id,
            "reference": reference,
            "language": language or "en",
        },
    )
    # The person's reminders for a call for this programme stop with the submission.
    complete_call_deadlines(connection, person_id=row.person_id, programme=row.programme, now=now)
    answers = {key: getattr(row, key) for key in ANSWER_KEYS}
    changes = []
    if resubmitted and before is not None:
        changes = audit.record_changes(
            connection,
            at=now,
            actor=audit.actor_of(row.person_id),
            subject_kind=audit.Subject.EOI,
            subject_id=draft_id,
            reference=reference,
            action=audit.Action.REVISION,
            old=before,
            new=answers,
        )
    params = {
        "eoi_id": draft_id,
        "reference": reference,
        "programme": row.programme,
        "answers": answers,
        "resubmitted": resubmitted,
        "changes": [list(change) for change in changes],
    }
    # A resubmission's notices are new ones (the first ones went out long ago).
    key = f"eoi-resubmitted:{reference}:{now.isoformat()}" if resubmitted else "eoi-submitted"
    for coordinator in coordinators:
        outbox.enqueue_on(
            connection,
            recipient_id=coordinator,
            template="notices/eoi_submitted",
            params=params,
            due_at=now,
            subject=reference,
            dedupe_key=f"{key}:{reference}:{coordinator}"[:128],
        )
    return Submitted(
        reference=reference, programme=row.programme, answers=answers, resubmitted=resubmitted
    )


class ConsentMissing(ValueError):
    """The draft has no consent to be contacted, so it cannot be submitted."""


# The advisor's answers (the ones no question asks) stay with the submission even where the model
# question was edited.
_KEPT_ON_SUBMIT = frozenset(ANSWER_KEYS) - frozenset(ASKED_KEYS)
_ORGANISATIONS = table_of(Organisation)
_INSERT_ORGANISATION = insert(_ORGANISATIONS).returning(_ORGANISATIONS.c.id)
_UPDATE_ORGANISATION = (
    update(_ORGANISATIONS)
    .where(_ORGANISATIONS.c.id == bindparam("org_id"))
    .values(
        name=bindparam("name"),
        kind=bindparam("kind"),
        country=bindparam("country"),
        state=bindparam("state"),
        level=bindparam("level"),
    )
)
_PERSON_LANGUAGE = select(table_of(Person).c.language).where(
    table_of(Person).c.id == bindparam("id")
)
_FINISH_SUBMISSION = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("draft_id"))
    .values(
        german_org_id=bindparam("german"),
        partner_org_id=bindparam("partner"),
        reference=bindparam("reference"),
        language=bindparam("language"),
    )
)


_SUBMITTED_BEFORE = select(_TABLE.c.submitted_answers).where(
    _TABLE.c.id == bindparam("draft_id"), _TABLE.c.status == Status.DRAFT
)
_OPEN_DRAFT = select(_TABLE.c.id).where(
    _TABLE.c.id == bindparam("draft_id"), _TABLE.c.status == Status.DRAFT
)


@cache
def _submit_statement(cleared: frozenset[str]) -> Any:
    """UPDATE draft -> submitted (answers that no longer apply cleared), returning the row.

    Only a draft whose consent to be contacted is given is submitted (both programmes ask it).
    """
    return (
        update(_TABLE)
        .where(
            _TABLE.c.id == bindparam("draft_id"),
            _TABLE.c.status == Status.DRAFT,
            _TABLE.c.consent.is_(True),
        )
        .values(
            {
                **dict.fromkeys(sorted(cleared)),
                "status": Status.SUBMITTED,
                "step": "",
                # A resubmission keeps the date it was first submitted on.
                "submitted_at": func.coalesce(
                    _TABLE.c.submitted_at, bindparam("now", type_=_TABLE.c.submitted_at.type)
                ),
                "updated_at": bindparam("now", type_=_TABLE.c.updated_at.type),
                "submitted_answers": None,
            }
        )
        .returning(
            _TABLE.c.person_id,
            _TABLE.c.programme,
            _TABLE.c.reference,
            _TABLE.c.german_org_id,
            _TABLE.c.partner_org_id,
            *(_TABLE.c[k] for k in ANSWER_KEYS),
        )
    )


def _organisations(row: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The German and the partner organisation named in a submission."""
    now = utcnow()
    if row.programme == Programme.FACHKRAEFTEFONDS:
        german_name, partner_name, kind, level = (
            row.german_municipality,
            row.partner_municipality,
            "municipality",
            None,
        )
    else:
        german_name, partner_name, kind, level = (
            row.german_authority,
            row.partner_authority,
            "authority",
            row.authority_level,
        )
    german = {
        "name": german_name or "",
        "kind": kind,
        "side": "german",
        "country": "DE",
        "state": row.german_state,
        "level": level,
        "created_at": now,
    }
    partner = {
        "name": partner_name or "",
        "kind": kind,
        "side": "partner",
        "country": row.partner_country or "",
        "state": None,
        "level": None,
        "created_at": now,
    }
    return german, partner


def submissions_of(*, session: Session, person_id: int) -> list[SubmissionView]:
    """The person's expressions of interest, newest first (drafts included)."""
    rows = session.execute(
        select(ExpressionOfInterest)
        .where(
            col(ExpressionOfInterest.person_id) == person_id,
            col(ExpressionOfInterest.status) != Status.DISCARDED,
        )
        .order_by(col(ExpressionOfInterest.id).desc())
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
