"""The export's sheets: which columns each kind of submission has, and their values as labels.

Headers and values come from the forms' own questions (their labels and option labels, handed
over by the conversations as `Contribution.questions`), so the export speaks the words the
person answered in, in any of the bot's languages. A workbook is a list of `Sheet`s; a new kind
of data (an audit trail, say) is one more `Sheet` with its own query in `sheets()`.

A cell's value is an answer as the person saw it (bot.answer_cells).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from bot import audit_rows
from bot.answer_cells import Cell, answer, moment
from bot.contributions import Questions, questions_of, variants
from bot.i18n import N_, _, language_name, use_language
from bot.questions import Question
from bot.vocabulary import PROGRAMMES, RETURN_REASONS, STATUSES
from storage import export_records
from storage.export_records import Record
from storage.programmes import ALL

REVIEWED = N_("reviewed")
SOURCES = {"quick": N_("Quick report"), "guided": N_("Step by step")}
DEPLOYMENT_COLUMNS = ("expert_name", "expert_model", "partnership", "country", "city")


@dataclass(frozen=True)
class Column:
    """One column: its header and its value of a record, both in the current language; the
    value gets the export's time zone for moments."""

    header: Callable[[], str]
    value: Callable[[Record, str], Cell]
    # The programmes whose rows can have a value here: an export of other programmes' rows
    # leaves the column out (a Verwaltungspartnerschaft has no expert model to recommend).
    programmes: frozenset[str] = ALL


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook (one CSV file): its tab's title, its columns and its rows'
    query (a storage function taking the session)."""

    name: str  # for file names and the command line: interests, reports, ...
    title: str  # msgid, at most 31 characters in every language (Excel's limit for a tab)
    columns: tuple[Column, ...]
    records: Callable[..., list[Record]]


@dataclass(frozen=True)
class Table:
    """A sheet with its headers and rows, ready to write."""

    name: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]


def _fixed(header: str, value: Callable[[Record, str], Cell]) -> Column:
    return Column(lambda: _(header), value)


def _label_of(labels: Mapping[str, str], key: str) -> Callable[[Record, str], Cell]:
    return lambda record, _zone: _(labels[record[key]]) if record[key] in labels else record[key]


def _when(key: str) -> Callable[[Record, str], Cell]:
    return lambda record, zone: moment(record[key], zone)


def _answers(
    questions: Sequence[Question],
    source: str | None = None,
    asked_in: Callable[[str], frozenset[str]] = lambda _key: ALL,
) -> list[Column]:
    """A column per question (the first of each key); source: the record's dict of answers;
    asked_in: the programmes whose rows have the key."""
    seen: dict[str, Question] = {}
    for question in questions:
        seen.setdefault(question.key, question)
    columns = []
    for question in seen.values():
        if source is None:
            value = _answer_of(question)
            header = _header(question.label)
        else:
            value = _nested_answer(question, source)
            header = _advisor_header(question.label)
        columns.append(Column(header, value, asked_in(question.key)))
    return columns


def _asking(by_programme: Mapping[str, Sequence[Question]]) -> Callable[[str], frozenset[str]]:
    """The programmes whose expression of interest asks a key (questions contributed for no
    programme in particular: every programme's)."""

    def asking(key: str) -> frozenset[str]:
        codes = {code for code, asked in by_programme.items() if any(q.key == key for q in asked)}
        return ALL if "" in codes else frozenset(codes)

    return asking


def _answer_of(question: Question) -> Callable[[Record, str], Cell]:
    return lambda record, _zone: answer(question, record.get(question.key))


def _nested_answer(question: Question, source: str) -> Callable[[Record, str], Cell]:
    return lambda record, _zone: answer(question, (record.get(source) or {}).get(question.key))


def _header(label: str) -> Callable[[], str]:
    return lambda: _(label)


def _advisor_header(label: str) -> Callable[[], str]:
    return lambda: _("Advisor: {question}").format(question=_(label))


def _by_key(questions: Sequence[Question], *keys: str) -> list[Question]:
    found = {q.key: q for q in questions}
    return [found[key] for key in keys]


def _recommendation(interest: Sequence[Question], programmes: frozenset[str]) -> Column:
    [model] = _by_key(interest, "expert_model")
    return Column(
        lambda: _("Advisor's recommendation"),
        lambda record, _zone: answer(model, record.get("advisor_recommendation")),
        programmes,
    )


def sheets(questions: Questions) -> list[Sheet]:
    """The workbook's sheets, in order."""
    by_programme = variants(questions, "interest")
    interest = questions_of(questions, "interest")
    asked_in = _asking(by_programme)
    # The advisor helps to choose an expert model: only where the expert model is asked.
    advised = asked_in("expert_model")
    advisor = questions["advisor"]
    deployment = questions["deployment"]
    deployed = _answers(_by_key(deployment, *DEPLOYMENT_COLUMNS))
    statuses = {**STATUSES, "reviewed": REVIEWED}
    reference = _fixed(N_("Reference"), lambda record, _zone: record["reference"])
    status = _fixed(N_("Status"), _label_of(statuses, "status"))
    submitted = _fixed(N_("Submitted"), _when("submitted_at"))
    return [
        Sheet(
            "interests",
            N_("Expressions of interest"),
            (
                reference,
                _fixed(N_("Programme"), _label_of(PROGRAMMES, "programme")),
                status,
                submitted,
                _fixed(N_("Language"), lambda record, _zone: language_name(record["language"])),
                *_answers(interest, asked_in=asked_in),
                *_answers(advisor, "advisor_answers", lambda _key: advised),
                _recommendation(interest, advised),
            ),
            export_records.interests,
        ),
        Sheet(
            "reports",
            N_("Activity reports"),
            (
                reference,
                status,
                _fixed(N_("Entered as"), _label_of(SOURCES, "source")),
                submitted,
                _fixed(N_("Reviewed"), _when("reviewed_at")),
                *deployed,
                *_answers(questions["report"]),
            ),
            export_records.reports,
        ),
        Sheet(
            "progress",
            N_("Progress reports"),
            (
                reference,
                status,
                _fixed(N_("Period"), lambda record, _zone: record["period"]),
                submitted,
                *deployed,
                *_answers(questions["progress"]),
            ),
            export_records.progress,
        ),
        Sheet(
            "deployments",
            N_("Deployments"),
            (
                *_answers(deployment),
                _fixed(N_("Registered"), _when("created_at")),
                _fixed(N_("Expert has joined the bot"), _when("bound_at")),
            ),
            export_records.deployments,
        ),
        _audit_sheet(interest),
    ]


def _audit_sheet(interest: Sequence[Question]) -> Sheet:
    """Every decision, change after submission, rule change and review (bot.audit_rows)."""
    fields = {"status": N_("Status"), **{q.key: q.label for q in interest}}

    def field(record: Record, _zone: str) -> Cell:
        key = record["field"] or ""
        return _(fields[key]) if key in fields else key

    def old_or_new(key: str) -> Callable[[Record, str], Cell]:
        return lambda record, _zone: audit_rows.value_text(record[key], record["field"]) or None

    columns = audit_rows.COLUMNS
    return Sheet(
        "audit",
        N_("Audit trail"),
        (
            _fixed(columns["at"], _when("at")),
            _fixed(columns["actor"], lambda record, _zone: record["actor"]),
            _fixed(columns["subject"], _label_of(audit_rows.SUBJECTS, "subject_kind")),
            _fixed(columns["reference"], lambda record, _zone: record["reference"]),
            _fixed(columns["action"], _label_of(audit_rows.ACTIONS, "action")),
            _fixed(columns["field"], field),
            _fixed(columns["old"], old_or_new("old")),
            _fixed(columns["new"], old_or_new("new")),
            _fixed(
                columns["reason"],
                lambda record, _zone: audit_rows.reason_text(record, RETURN_REASONS) or None,
            ),
        ),
        audit_rows.records,
    )


def tables(
    session: Session,
    chosen: Sequence[Sheet],
    *,
    language: str,
    zone: str,
    programmes: Collection[str] = ALL,
) -> list[Table]:
    """The chosen sheets filled from the database (the programmes' rows), in the language and
    the time zone; columns only other programmes' rows can fill are left out."""
    found = [(sheet, sheet.records(session=session, programmes=programmes)) for sheet in chosen]
    with use_language(language):
        filled = []
        for sheet, records in found:
            columns = [c for c in sheet.columns if c.programmes & frozenset(programmes)]
            filled.append(
                Table(
                    sheet.name,
                    _(sheet.title),
                    [column.header() for column in columns],
                    [[column.value(record, zone) for column in columns] for record in records],
                )
            )
        return filled
