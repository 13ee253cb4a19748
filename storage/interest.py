"""Transactions for an expression of interest's draft: start it, save its answers, move it, discard
it (a revision of a returned submission, storage.revisions, is dropped back as submitted).

Written against SQLAlchemy Core here rather than through storage.draft_repository, which every
other draft uses: the expression of interest is the longest form and the one most people fill
in, so each answer is one precompiled UPDATE in autocommit (`one_statement`), one round trip on
PostgreSQL, where the repository's ORM load, flush and commit take several (README, Benchmarks).
The same engine calls reach both (bot.forms.DraftStore), so a flow cannot tell them apart.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from storage.advisor_tables import AdvisorSession
from storage.answer_columns import answer_keys, asked_keys
from storage.db import on_connection, one_statement
from storage.drafts import Draft
from storage.models import (
    ExpressionOfInterest,
    Programme,
    Status,
    table_of,
)

# The columns that hold the person's answers, as the table declares them: the forms' question
# keys are these (tests/test_answer_columns.py); ASKED_KEYS leaves out what the advisor fills.
ANSWER_KEYS = answer_keys(ExpressionOfInterest)
ASKED_KEYS = asked_keys(ExpressionOfInterest)

_TABLE = table_of(ExpressionOfInterest)
_ADVISOR = table_of(AdvisorSession)


@one_statement
def current_draft(*, connection: Connection, person_id: int) -> Draft | None:
    """The person's unsubmitted expression of interest, if any."""
    row = connection.execute(_CURRENT_DRAFT, {"person_id": person_id}).first()
    return draft_of(row) if row else None


@on_connection
def start_draft(
    *, connection: Connection, person_id: int, programme: Programme, step: str, now: datetime
) -> Draft:
    """Open a new draft for the programme; an older draft of the person is discarded (a
    revision of a returned submission goes back to it as submitted)."""
    close_drafts_of(connection, person_id, now)
    draft_id = connection.execute(
        _START_DRAFT, {"person_id": person_id, "programme": programme, "step": step, "now": now}
    ).scalar_one()
    return Draft(
        id=draft_id,
        form=programme,
        step=step,
        editing=False,
        paused=False,
        answers=dict.fromkeys(ANSWER_KEYS),
        updated_at=now,
    )


@one_statement
def save_answer(
    *,
    connection: Connection,
    draft: Draft,
    answers: dict[str, Any],
    step: str,
    editing: bool,
    update_id: int | None,
    now: datetime,
) -> Draft:
    """Store answers and the next step in one commit, before the bot replies.

    This runs on every answer, so it is one prepared UPDATE (no loading, no RETURNING: the
    draft's new state is the one it was given, with the answers applied). The update id is kept
    on the draft so a redelivered update is recognised. A draft submitted or discarded
    meanwhile is not changed: DraftClosed.
    """
    result = connection.execute(
        _save_statement(frozenset(answers)),
        {
            **answers,
            "draft_id": draft.id,
            "step": step,
            "editing": editing,
            "now": now,
            "update_id": update_id or 0,
        },
    )
    if result.rowcount != 1:
        raise DraftClosed(draft.id)
    return dataclasses.replace(
        draft,
        step=step,
        editing=editing,
        paused=False,
        answers={**draft.answers, **answers},
        last_update_id=update_id or 0,
        updated_at=now,
    )


class DraftClosed(LookupError):
    """The draft is no longer open (submitted or discarded by an earlier update)."""


_VIEW_COLUMNS = [
    _TABLE.c[name]
    for name in (
        "id",
        "programme",
        "step",
        "editing",
        "paused",
        "last_update_id",
        "updated_at",
        "reference",
        *ANSWER_KEYS,
    )
]


# Built once: building and compiling a statement costs more than running it on SQLite.
_CURRENT_DRAFT = (
    select(*_VIEW_COLUMNS)
    .where(_TABLE.c.person_id == bindparam("person_id"), _TABLE.c.status == Status.DRAFT)
    .order_by(_TABLE.c.id.desc())
    .limit(1)
)
_NOW = bindparam("now", type_=_TABLE.c.updated_at.type)
# Discarding deletes a new draft at once, with an advisor run started from it ("Help me choose");
# a revision of a submission is dropped instead (drop_revision).
_NEW = (_TABLE.c.status == Status.DRAFT, _TABLE.c.reference.is_(None))
_DRAFTS_OF = select(_TABLE.c.id).where(_TABLE.c.person_id == bindparam("owner"), *_NEW)
_ONE_DRAFT = select(_TABLE.c.id).where(_TABLE.c.id == bindparam("draft_id"), *_NEW)
_DISCARD_DRAFTS_OF, _DISCARD_DRAFT = (
    (delete(_ADVISOR).where(_ADVISOR.c.eoi_id.in_(q)), delete(_TABLE).where(_TABLE.c.id.in_(q)))
    for q in (_DRAFTS_OF, _ONE_DRAFT)
)
_START_DRAFT = (
    insert(_TABLE)
    .values(
        person_id=bindparam("person_id"),
        programme=bindparam("programme"),
        status=Status.DRAFT,
        step=bindparam("step"),
        editing=False,
        paused=False,
        last_update_id=0,
        language="en",
        created_at=_NOW,
        updated_at=_NOW,
    )
    .returning(_TABLE.c.id)
)
_MOVE_DRAFT = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("draft_id"))
    .values(step=bindparam("step"), editing=bindparam("editing"), paused=bindparam("paused"))
    .returning(*_VIEW_COLUMNS)
)
# Revisions of returned submissions: drafts that carry their answers as submitted.
_REVISION_OF = select(_TABLE.c.submitted_answers).where(
    _TABLE.c.id == bindparam("draft_id"), _TABLE.c.status == Status.DRAFT
)
_REVISIONS_OF = select(_TABLE.c.id, _TABLE.c.submitted_answers).where(
    _TABLE.c.person_id == bindparam("owner"),
    _TABLE.c.status == Status.DRAFT,
    _TABLE.c.submitted_answers.is_not(None),
)
_RESTORE_SUBMITTED = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("eoi_id"), _TABLE.c.status == Status.DRAFT)
    .values(
        {
            **{key: bindparam(key, type_=_TABLE.c[key].type) for key in ANSWER_KEYS},
            "status": Status.RETURNED,
            "step": "",
            "editing": False,
            "paused": False,
            "submitted_answers": None,
        }
    )
)


@cache
def _save_statement(keys: frozenset[str]) -> Any:
    """The UPDATE for one set of answer columns, built once (statement building is costly)."""
    unknown = keys - set(ANSWER_KEYS)
    if unknown:
        raise KeyError(", ".join(sorted(unknown)))
    return (
        update(_TABLE)
        .where(_TABLE.c.id == bindparam("draft_id"), _TABLE.c.status == Status.DRAFT)
        .values(
            {
                **{key: bindparam(key, type_=_TABLE.c[key].type) for key in sorted(keys)},
                "step": bindparam("step"),
                "editing": bindparam("editing"),
                "paused": False,
                "updated_at": bindparam("now", type_=_TABLE.c.updated_at.type),
                "last_update_id": bindparam("update_id"),
            }
        )
    )


def draft_of(row: Any) -> Draft:
    """The plain view of an expression of interest: a loaded one or a result row alike."""
    return Draft(
        id=row.id,
        form=row.programme,
        step=row.step,
        editing=row.editing,
        paused=row.paused,
        answers={key: getattr(row, key) for key in ANSWER_KEYS},
        last_update_id=row.last_update_id,
        updated_at=row.updated_at,
        reference=row.reference,
    )


@one_statement
def move_draft(
    *, connection: Connection, draft_id: int, step: str, editing: bool, paused: bool
) -> Draft:
    """Move the draft to another step (Back, an edit, pause) without changing answers."""
    row = connection.execute(
        _MOVE_DRAFT, {"draft_id": draft_id, "step": step, "editing": editing, "paused": paused}
    ).one()
    return draft_of(row)


@on_connection
def discard_draft(*, connection: Connection, draft_id: int) -> None:
    """The person threw the draft away: its answers are deleted. A revision of a returned
    submission is dropped instead: the submission is back as it was submitted, still returned
    for changes (only the changes are gone)."""
    if not drop_revision(connection, draft_id):
        for statement in _DISCARD_DRAFT:
            connection.execute(statement, {"draft_id": draft_id})


def close_drafts_of(connection: Connection, person_id: int, now: datetime) -> None:
    """Inside the caller's transaction: discard the person's open drafts (their answers deleted); a revision goes back to its
    submitted answers."""
    for row in connection.execute(_REVISIONS_OF, {"owner": person_id}).all():
        _restore(connection, row.id, row.submitted_answers)
    for statement in _DISCARD_DRAFTS_OF:
        connection.execute(statement, {"owner": person_id})


def drop_revision(connection: Connection, eoi_id: int) -> bool:
    """If the submitter is revising it, put the submission back as submitted (returned for
    changes), inside the caller's transaction; whether there was a revision."""
    row = connection.execute(_REVISION_OF, {"draft_id": eoi_id}).first()
    if row is None or row.submitted_answers is None:
        return False
    _restore(connection, eoi_id, row.submitted_answers)
    return True


def _restore(connection: Connection, eoi_id: int, submitted: dict[str, Any]) -> None:
    values = {key: submitted.get(key) for key in ANSWER_KEYS}
    connection.execute(_RESTORE_SUBMITTED, {**values, "eoi_id": eoi_id})
