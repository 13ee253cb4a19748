"""A person's first update in this process (after a restart, or after the idle sweep dropped
them): the person and everything the bot keeps of them (their open draft of every kind, the
deployment they are bound to) in one statement, so that first contact costs about a form step (README, Benchmarks)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Dialect, Select, Table, bindparam, select, true

from storage import (
    activity_reports,
    advisor,
    call_drafts,
    custom_deadlines,
    deployments,
    interest,
    model_rules,
    people,
    preferences,
    reviews,
)
from storage import progress_reports as progress
from storage.db import one_statement
from storage.deployment_views import ExpertView, expert_view
from storage.draft_repository import DraftRepository
from storage.drafts import Draft
from storage.experts_tables import Deployment, DeploymentStatus
from storage.models import ExpressionOfInterest, Person, Status, table_of
from storage.row_values import RowTypes, row_of

# A draft from a result row with its table's columns, and the expert's deployment (a report's
# dates are judged in its time zone).
ReadDraft = Callable[[Any, ExpertView | None], Draft]


@dataclass(frozen=True)
class DraftKind:
    """A kind of draft a person can leave open: its table, whose it is, how it is read."""

    name: str  # as the bot's open forms (OpenForm.kind) and retention name it
    model: Any  # its SQLModel table class
    owner: str  # the column naming whose draft it is
    status: Any  # the status of a draft in progress
    read: ReadDraft
    newest: str = "id"  # the newest draft first by this column (then by id)
    scope: Mapping[str, Any] = field(default_factory=dict)  # in a table shared by several kinds


def _kept_in(
    name: str,
    repository: DraftRepository[Any, Any],
    extend: Callable[[Any, Draft, ExpertView | None], Draft] | None = None,
) -> DraftKind:
    """A kind kept by a DraftRepository, read as its `current` would return it."""

    def read(row: Any, expert: ExpertView | None) -> Draft:
        draft = repository.plain_draft(row)
        return extend(row, draft, expert) if extend else draft

    return DraftKind(
        name,
        repository.table,
        repository.owner,
        repository.draft,
        read,
        newest=repository.newest,
        scope=repository.scope,
    )


# Every kind of draft, in one place: the first contact loads each, retention sweeps each.
DRAFT_KINDS: tuple[DraftKind, ...] = (
    DraftKind(
        "interest",
        ExpressionOfInterest,
        "person_id",
        Status.DRAFT,
        lambda row, _expert: interest.draft_of(row),
    ),
    _kept_in("report", activity_reports.DRAFTS, activity_reports.with_expert),
    _kept_in("progress", progress.DRAFTS),
    _kept_in("advisor", advisor.DRAFTS, lambda row, draft, _expert: advisor.with_eoi(row, draft)),
    # The short flows' drafts (storage.short_drafts), each kept apart by its form's name.
    *(
        _kept_in(short.form, short.repository)
        for short in (
            call_drafts.DRAFTS,
            custom_deadlines.DRAFTS,
            preferences.ZONE_DRAFTS,
            reviews.REASON_DRAFTS,
            model_rules.REASON_DRAFTS,
        )
    ),
    _kept_in("deployment", deployments.DRAFTS),
)


@dataclass(frozen=True)
class FirstContact:
    """What the bot keeps of a person, as the database has it."""

    person: people.PersonView
    new: bool  # the row was just created
    drafts: Mapping[str, Draft | None]  # by DraftKind.name, every kind
    expert: ExpertView | None  # the active deployment they are bound to, as an expert


_PEOPLE = table_of(Person)


@dataclass(frozen=True)
class _Part:
    """A part of what is kept: the person's newest row of a table with these conditions
    (correlated to the person), newest by these columns."""

    name: str
    table: Table
    where: Callable[[Any], list[Any]]  # the conditions on the table (or an alias of it)
    order: tuple[str, ...]


def _kind_part(kind: DraftKind) -> _Part:
    def where(rows: Any) -> list[Any]:
        return [
            rows.c[kind.owner] == _PEOPLE.c.id,
            rows.c.status == kind.status,
            *(rows.c[name] == value for name, value in kind.scope.items()),
        ]

    return _Part(kind.name, table_of(kind.model), where, (kind.newest, "id"))


def _parts() -> list[_Part]:
    """Every part of what is kept."""

    def bound(rows: Any) -> list[Any]:  # as deployment_of_expert finds it
        return [rows.c.expert_id == _PEOPLE.c.id, rows.c.status == DeploymentStatus.ACTIVE]

    expert = _Part("expert", table_of(Deployment), bound, ("bound_at", "id"))
    return [*(_kind_part(kind) for kind in DRAFT_KINDS), expert]


@dataclass(frozen=True)
class _Statement:
    """The first contact's statement for one database, and how to read a part out of its row."""

    select: Select[Any]
    # Where each part is in the row: PostgreSQL, the index of its one whole-row column;
    # SQLite, the offset of its columns and their names.
    places: dict[str, tuple[int, tuple[str, ...]]]
    tables: dict[str, Table]
    row_types: RowTypes | None  # PostgreSQL: of the whole-row columns' tables


def _build(lateral: bool) -> _Statement:
    """The statement for PostgreSQL (lateral) or SQLite.

    PostgreSQL joins each part LATERAL (an index look-up per part, whatever the tables' sizes)
    and returns it as one whole-row column (storage.row_values), so the row has about 20
    columns instead of about 200. SQLite, which has no LATERAL and no row values, joins the row
    whose id the part's subquery finds.
    """
    columns: list[Any] = list(people.VIEW_COLUMNS)
    places: dict[str, tuple[int, tuple[str, ...]]] = {}
    tables: dict[str, Table] = {}
    joined: Any = _PEOPLE
    for part in _parts():
        name, table = part.name, part.table
        tables[name] = table
        if lateral:
            # Aliased, so that the whole row's name cannot be taken for a column of the same
            # name (of this table or of person's through the correlation).
            rows = table.alias(f"row_{name}")
            newest = [rows.c[column].desc() for column in dict.fromkeys(part.order)]
            whole = rows.table_valued().label("row")
            inner = select(whole).where(*part.where(rows)).order_by(*newest).limit(1)
            source: Any = inner.correlate(_PEOPLE).lateral(f"kept_{name}")
            joined = joined.outerjoin(source, true())
            places[name] = (len(columns), ())
            columns.append(source.c.row)
        else:
            newest = [table.c[column].desc() for column in dict.fromkeys(part.order)]
            first = (
                select(table.c[_KEYS[name]])
                .where(*part.where(table))
                .order_by(*newest)
                .limit(1)
                .correlate(_PEOPLE)
                .scalar_subquery()
            )
            source = table.alias(f"kept_{name}")
            joined = joined.outerjoin(source, source.c[_KEYS[name]] == first)
            places[name] = (len(columns), tuple(source.c.keys()))
            columns.extend(source.c)
    statement = select(*columns).select_from(joined).where(_PEOPLE.c.id == bindparam("id"))
    return _Statement(statement, places, tables, RowTypes(tables.values()) if lateral else None)


# The column that names a part's row.
_KEYS = {**{kind.name: "id" for kind in DRAFT_KINDS}, "expert": "id"}
# Built once: building and compiling a statement costs more than running it on SQLite.
_FIRST_CONTACT = {"sqlite": _build(lateral=False), "postgresql": _build(lateral=True)}


def _part(row: Any, statement: _Statement, name: str, dialect: Dialect) -> Any:
    """The part's row as attributes, None if the person has none."""
    offset, names = statement.places[name]
    if not names:  # PostgreSQL: one whole-row column
        return row_of(row[offset], statement.tables[name], dialect)
    values = dict(zip(names, row[offset : offset + len(names)], strict=True))
    return None if values[_KEYS[name]] is None else SimpleNamespace(**values)


def _kept(connection: Connection, person_id: int) -> FirstContact | None:
    """What is kept of the person, None if there is no such person."""
    statement = _FIRST_CONTACT[connection.dialect.name]
    dialect = connection.dialect

    def read() -> Any:
        return connection.execute(statement.select, {"id": person_id}).first()

    row = read() if statement.row_types is None else statement.row_types.read(connection, read)
    if row is None:
        return None
    person = people.PersonView(*row[: len(people.VIEW_COLUMNS)])
    bound = _part(row, statement, "expert", dialect)
    expert = None if bound is None else expert_view(bound, person.timezone)
    drafts: dict[str, Draft | None] = {}
    for kind in DRAFT_KINDS:
        found = _part(row, statement, kind.name, dialect)
        drafts[kind.name] = None if found is None else kind.read(found, expert)
    return FirstContact(person, False, drafts, expert)


@one_statement
def first_contact(
    *,
    connection: Connection,
    person_id: int,
    first_name: str,
    username: str | None,
    telegram_language: str | None,
) -> FirstContact:
    """The person with all the bot keeps of them, creating the row when they are new (once per
    person and process); someone new has nothing else stored yet."""
    known = _kept(connection, person_id)
    if known is not None:
        return known
    person, new = people.create_person(
        connection,
        person_id=person_id,
        first_name=first_name,
        username=username,
        telegram_language=telegram_language,
    )
    if not new:  # another process created them a moment ago: read what it stored
        known = _kept(connection, person_id)
        assert known is not None
        return known
    return FirstContact(person, True, dict.fromkeys(k.name for k in DRAFT_KINDS), None)
