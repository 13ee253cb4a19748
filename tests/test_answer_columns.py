"""A question's key is defined once, by its answer column: the forms' questions and their draft
tables' answer columns agree, in the same order."""

from __future__ import annotations

import pytest
from sqlmodel import Field, SQLModel

from conversations.experts import deployment, progress, report
from storage import activity_reports, deployments, progress_reports
from storage.answer_columns import answer, answer_keys
from storage.experts_tables import ActivityReport, Deployment, ProgressReport


@pytest.mark.parametrize(
    ("form", "table", "keys"),
    [
        (report.FORM, ActivityReport, activity_reports.ANSWER_KEYS),
        (progress.FORM, ProgressReport, progress_reports.ANSWER_KEYS),
        (deployment.FORM, Deployment, deployments.ANSWER_KEYS),
    ],
    ids=["activity report", "progress report", "deployment"],
)
def test_the_questions_are_the_answer_columns(form, table, keys):
    assert [q.key for q in form.questions] == list(answer_keys(table))
    assert keys == answer_keys(table)  # what the store saves, blanks and exports


def test_only_columns_marked_as_answers_count():
    class Sample(SQLModel, table=True):
        __tablename__ = "answer_columns_sample"

        id: int | None = Field(default=None, primary_key=True)
        step: str = ""
        colour: str | None = answer(max_length=16)
        size: int | None = answer()
        note: str | None = None

    assert answer_keys(Sample) == ("colour", "size")
    SQLModel.metadata.remove(Sample.__table__)
