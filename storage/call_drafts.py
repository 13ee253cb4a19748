"""A coordinator's /call on the form engine: its draft (programme, closing date, countries, in
one JSON value of the shared short-draft table) and opening the call from it."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from storage.calls import CallView, open_call
from storage.draft_repository import DraftRepository, plain
from storage.drafts import Draft
from storage.local_time import DEFAULT_ZONE, end_of_day
from storage.reminders_tables import ShortDraft

FORM = "call"
OPEN, DONE, DISCARDED = "open", "done", "discarded"

DRAFTS = DraftRepository(
    table=ShortDraft,
    form=FORM,
    owner="person_id",
    draft=OPEN,
    discarded=DISCARDED,
    extend=plain,
    scope={"form": FORM},
)
save_answer, move_draft, discard_draft = DRAFTS.save, DRAFTS.move, DRAFTS.discard


def current_draft(*, session: Session, person_id: int) -> Draft | None:
    """The coordinator's /call in progress, if any."""
    return DRAFTS.current(session=session, owner_id=person_id)


def start_draft(*, session: Session, person_id: int, step: str, now: datetime) -> Draft:
    """A new /call; one left unfinished is thrown away (a new /call starts anew)."""
    return DRAFTS.start(session=session, owner_id=person_id, step=step, now=now, replacing=True)


def open_from_draft(*, session: Session, draft_id: int, now: datetime) -> CallView | None:
    """Open the call the draft describes (in one commit with the draft marked done); None if the
    draft was already used or thrown away."""
    row = session.get(ShortDraft, draft_id, with_for_update=True)
    if row is None or row.status != OPEN or row.form != FORM:
        return None
    answers = dict(row.answers)
    row.status, row.step, row.updated_at = DONE, "", now
    return open_call(
        session=session,
        programme=answers["programme"],
        closes_at=end_of_day(date.fromisoformat(answers["date"]), DEFAULT_ZONE),
        countries=list(answers.get("countries") or []),
        created_by=row.person_id,
        now=now,
    )
