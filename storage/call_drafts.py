"""A coordinator's /call on the form engine: its draft (programme, closing date, countries, in
one JSON value of the shared short-draft table, storage.short_drafts) and opening the call."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from storage.calls import CallView, open_call
from storage.local_time import DEFAULT_ZONE, end_of_day
from storage.reminders_tables import ShortDraft
from storage.short_drafts import ShortDrafts

FORM = "call"
DRAFTS = ShortDrafts(FORM)
save_answer, move_draft, discard_draft = DRAFTS.save, DRAFTS.move, DRAFTS.discard
# The person's open draft, and a new one (one left unfinished is thrown away: it starts anew).
current_draft, start_draft = DRAFTS.current, DRAFTS.start


def open_from_draft(*, session: Session, draft_id: int, now: datetime) -> CallView | None:
    """Open the call the draft describes (in one commit with the draft marked done); None if the
    draft was already used or thrown away."""
    answers = DRAFTS.taken(session, draft_id)
    if answers is None:
        return None
    row_owner = session.get_one(ShortDraft, draft_id)
    row_owner.updated_at = now
    return open_call(
        session=session,
        programme=answers["programme"],
        closes_at=end_of_day(date.fromisoformat(answers["date"]), DEFAULT_ZONE),
        countries=list(answers.get("countries") or []),
        created_by=row_owner.person_id,
        now=now,
    )
