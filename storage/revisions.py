"""A submission returned for changes, reopened by its submitter as their draft (a revision):
its answers as submitted are kept aside until it is submitted again or dropped (storage.interest)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, bindparam, select, update

from storage.db import on_connection, one_statement
from storage.drafts import Draft
from storage.interest import ANSWER_KEYS, close_drafts_of, current_draft
from storage.models import ExpressionOfInterest, Status, table_of

_TABLE = table_of(ExpressionOfInterest)
# The person's submission as it stands while returned for changes.
_RETURNED_OF = select(_TABLE.c.reference, *(_TABLE.c[key] for key in ANSWER_KEYS)).where(
    _TABLE.c.id == bindparam("eoi_id"),
    _TABLE.c.person_id == bindparam("owner"),
    _TABLE.c.status == Status.RETURNED,
)
_OPEN_REVISION = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("eoi_id"), _TABLE.c.status == Status.RETURNED)
    .values(
        status=Status.DRAFT,
        step=bindparam("step"),
        editing=False,
        paused=False,
        submitted_answers=bindparam("snapshot", type_=_TABLE.c.submitted_answers.type),
        updated_at=bindparam("now", type_=_TABLE.c.updated_at.type),
    )
)


class RevisionRefused(LookupError):
    """The submission is not (or no longer) returned for changes to this person."""


@on_connection
def start_revision(
    *, connection: Connection, eoi_id: int, person_id: int, step: str, now: datetime
) -> Draft:
    """Reopen the person's submission that was returned for changes as their draft, at step
    (the summary), keeping its reference. The answers as submitted are kept aside, so that
    dropping the revision restores them. The person's other open draft is closed first, as a
    new draft would close it. RevisionRefused if it is not theirs or not returned."""
    row = connection.execute(_RETURNED_OF, {"eoi_id": eoi_id, "owner": person_id}).first()
    if row is None:
        raise RevisionRefused(eoi_id)
    close_drafts_of(connection, person_id, now)
    snapshot = {key: getattr(row, key) for key in ANSWER_KEYS}
    opened = connection.execute(
        _OPEN_REVISION, {"eoi_id": eoi_id, "snapshot": snapshot, "step": step, "now": now}
    )
    if opened.rowcount != 1:  # decided on since the look above
        raise RevisionRefused(eoi_id)
    reopened = current_draft(connection=connection, person_id=person_id)
    assert reopened is not None  # the revision opened just now, in this transaction
    return reopened


@one_statement
def revisable(*, connection: Connection, eoi_id: int, person_id: int) -> str | None:
    """The reference of the person's submission if it is returned for changes, else None."""
    row = connection.execute(_RETURNED_OF, {"eoi_id": eoi_id, "owner": person_id}).first()
    return row.reference if row is not None else None
