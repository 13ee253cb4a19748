"""The drafts of the short flows on the form engine (/call, /deadline, the time zone of
/settings, a decision's reason, a model rule's reason): one shared table, the answers in one
JSON value, each flow's drafts kept apart by its form's name."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from storage.draft_repository import DraftRepository, plain
from storage.drafts import Draft
from storage.reminders_tables import ShortDraft

OPEN, DONE, DISCARDED = "open", "done", "discarded"


class ShortDrafts:
    """One short flow's drafts: a person has at most one open, a new start replaces it."""

    def __init__(self, form: str) -> None:
        self.form = form
        self.repository: DraftRepository[ShortDraft, Draft] = DraftRepository(
            table=ShortDraft,
            form=form,
            owner="person_id",
            draft=OPEN,
            discarded=DISCARDED,
            extend=plain,
            scope={"form": form},
        )
        # What the form engine saves through (bot.forms.DraftStore).
        self.save, self.move, self.discard = (
            self.repository.save,
            self.repository.move,
            self.repository.discard,
        )

    def current(self, *, session: Session, person_id: int) -> Draft | None:
        """The person's open draft of this flow, if any."""
        return self.repository.current(session=session, owner_id=person_id)

    def start(
        self,
        *,
        session: Session,
        person_id: int,
        step: str,
        now: datetime,
        answers: dict[str, Any] | None = None,
    ) -> Draft:
        """A new draft (with what the flow knows already, e.g. the submission it decides on);
        one left unfinished is thrown away: a short flow is quickly given again."""
        return self.repository.start(
            session=session,
            owner_id=person_id,
            step=step,
            now=now,
            replacing=True,
            answers=dict(answers or {}),
        )

    def taken(self, session: Session, draft_id: int) -> dict[str, Any] | None:
        """The open draft's answers, the draft marked done (caller's transaction, locked until
        it commits); None if it was already used or thrown away."""
        row = session.get(ShortDraft, draft_id, with_for_update=True)
        if row is None or row.status != OPEN or row.form != self.form:
            return None
        row.status, row.step = DONE, ""
        return dict(row.answers)

    def finish(self, *, session: Session, draft_id: int) -> dict[str, Any] | None:
        """The draft has done its work: deleted, answers and all (nothing of it is kept); its
        answers, or None if it was already used or thrown away."""
        answers = self.taken(session, draft_id)
        if answers is not None:
            session.delete(session.get_one(ShortDraft, draft_id))
        session.commit()
        return answers
