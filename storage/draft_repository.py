"""One way to keep a form's drafts, whatever table they live in: find, start, save, move and
discard, each one transaction that commits before the bot replies.

A kind of draft is described once (its table, whose it is, its statuses, its answer columns
or its one JSON column of answers, how a value is stored); the repository does the rest. The
expression of interest keeps its own prepared statements on a plain connection
(storage.interest): it is the form nearly every update of a partner goes through, and one
prepared statement there costs a fifth of an ORM round (see the README's benchmarks).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import select
from sqlmodel import Session, col

from storage.drafts import Draft, DraftT
from storage.models import Person
from storage.people import record_update


class DraftRow(Protocol):
    """What every draft table has: the step, its place in the form, a status."""

    id: int | None
    step: str
    editing: bool
    paused: bool
    status: Any
    updated_at: datetime


Row = TypeVar("Row", bound=DraftRow)

# The column of a table that keeps all answers in one JSON value (the advisor's runs).
JSON_ANSWERS = "answers"


def plain(session: Session, row: Any, draft: Draft) -> Draft:
    """The draft as it is (for a repository whose form needs nothing more)."""
    return draft


@dataclass(frozen=True)
class DraftRepository(Generic[Row, DraftT]):
    """The drafts of one form kind in one table (Row: its SQLModel table class; DraftT: the
    kind of draft it hands the form engine, see `extend`)."""

    table: type[Row]
    form: str  # Draft.form of its drafts
    owner: str  # the column naming whose draft it is (a person's id)
    draft: Any  # the status of a draft in progress ...
    discarded: Any  # ... and of one thrown away
    # The draft the form engine gets, built from the plain draft, the row and the session:
    # `plain`, or one with more than Draft holds (e.g. the deployment's time zone).
    extend: Callable[[Session, Row, Draft], DraftT]
    # The answer columns; none: the answers live in one JSON column `answers`.
    answer_keys: tuple[str, ...] = ()
    # How an answer is stored (e.g. a date from its ISO text) and read back, by key.
    to_column: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    to_answer: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    # More columns emptied when a draft is thrown away (a link, answers kept for an edit).
    blank: Mapping[str, Any] = field(default_factory=dict)
    # The newest draft first by this column (a draft edited again comes back to the top).
    newest: str = "id"
    # Columns every draft of this kind has, in a table shared by several kinds (its form's name).
    scope: Mapping[str, Any] = field(default_factory=dict)

    # -- what the form engine calls (bot.forms.DraftStore) -----------------------------------
    def save(
        self,
        *,
        session: Session,
        draft: Draft,
        answers: dict[str, Any],
        step: str,
        editing: bool,
        update_id: int | None,
        now: datetime,
    ) -> DraftT:
        """Store answers and the next step in one commit, before the bot replies."""
        row = session.get_one(self.table, draft.id)
        if self.answer_keys:
            for key, value in answers.items():
                if key not in self.answer_keys:
                    raise KeyError(key)
                convert = self.to_column.get(key)
                setattr(row, key, convert(value) if convert else value)
        else:
            # A new dict, so that the change of the JSON column is seen.
            setattr(row, JSON_ANSWERS, {**(getattr(row, JSON_ANSWERS) or {}), **answers})
        self._place(row, step=step, editing=editing, paused=False)
        row.updated_at = now
        person = session.get(Person, getattr(row, self.owner))
        if person is not None:
            record_update(person, update_id, now)
        session.commit()
        return self.view_row(session, row)

    def move(
        self, *, session: Session, draft_id: int, step: str, editing: bool, paused: bool
    ) -> DraftT:
        """Move the draft to another step (Back, an edit, pause) without changing answers."""
        row = session.get_one(self.table, draft_id)
        self._place(row, step=step, editing=editing, paused=paused)
        session.commit()
        return self.view_row(session, row)

    def discard(self, *, session: Session, draft_id: int) -> None:
        """Throw the draft away: its row is deleted at once, answers and all (GDPR Art. 5(1)(c,
        e)); a button of it pressed later finds no draft and says so."""
        row = session.get(self.table, draft_id)
        if row is None or row.status != self.draft:
            return
        session.delete(row)
        session.commit()

    # -- what the conversations call ----------------------------------------------------------
    def get(self, *, session: Session, draft_id: int) -> DraftT:
        """The draft as it stands."""
        return self.view_row(session, session.get_one(self.table, draft_id))

    def current(self, *, session: Session, owner_id: int) -> DraftT | None:
        """The person's newest draft of this kind, if any."""
        found = session.execute(
            select(self.table)
            .where(
                col(getattr(self.table, self.owner)) == owner_id,
                col(self.table.status) == self.draft,
                *self._scoped(),
            )
            .order_by(col(getattr(self.table, self.newest)).desc(), col(self.table.id).desc())
            .limit(1)
        ).scalar_one_or_none()
        return self.view_row(session, found) if found is not None else None

    def start(
        self,
        *,
        session: Session,
        owner_id: int,
        step: str,
        now: datetime,
        replacing: bool = False,
        **columns: Any,
    ) -> DraftT:
        """Open a new draft with these columns; replacing: the person's open one is thrown
        away first (deleted)."""
        if replacing:
            for older in session.execute(
                select(self.table).where(
                    col(getattr(self.table, self.owner)) == owner_id,
                    col(self.table.status) == self.draft,
                    *self._scoped(),
                )
            ).scalars():
                session.delete(older)
            session.flush()
        values: dict[str, Any] = {self.owner: owner_id, "step": step, **self.scope, **columns}
        row = self.table(**values, **{"created_at": now, "updated_at": now})
        session.add(row)
        session.commit()
        return self.view_row(session, row)

    def blank_out(self, row: Row) -> None:
        """Empty every answer of the row (and the other columns named in blank)."""
        if self.answer_keys:
            for key in self.answer_keys:
                setattr(row, key, None)
        else:
            setattr(row, JSON_ANSWERS, {})
        for key, value in self.blank.items():
            setattr(row, key, value)

    def answers(self, row: Any) -> dict[str, Any]:
        """The row's answers as the form engine reads them."""
        if not self.answer_keys:
            return dict(getattr(row, JSON_ANSWERS) or {})
        found = {key: getattr(row, key) for key in self.answer_keys}
        for key, convert in self.to_answer.items():
            found[key] = convert(found[key])
        return found

    def _scoped(self) -> list[Any]:
        return [col(getattr(self.table, name)) == value for name, value in self.scope.items()]

    @staticmethod
    def _place(row: Row, *, step: str, editing: bool, paused: bool) -> None:
        row.step, row.editing, row.paused = step, editing, paused

    def view_row(self, session: Session, row: Row) -> DraftT:
        """The row as the form engine sees it (a plain Draft, or what extend makes of it)."""
        return self.extend(session, row, self.plain_draft(row))

    def plain_draft(self, row: Any) -> Draft:
        """The plain Draft of a row: a loaded one, or a result row with the table's columns."""
        row_id = row.id
        assert row_id is not None
        return Draft(
            id=row_id,
            form=self.form,
            step=row.step,
            editing=row.editing,
            paused=row.paused,
            answers=self.answers(row),
        )
