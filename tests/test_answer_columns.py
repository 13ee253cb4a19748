"""A question's key is defined once, by its answer column: the forms' questions and their draft
tables' answer columns agree, in the same order."""

from __future__ import annotations

import pytest
from sqlmodel import Field, SQLModel

from bot.contributions import questions_of, variants
from conversations.experts import deployment, progress, report
from conversations.partners import interest as interest_flow
from conversations.partners import interest_form
from storage import activity_reports, deployments, interest, progress_reports
from storage.answer_columns import answer, answer_keys, asked_keys
from storage.experts_tables import ActivityReport, Deployment, ProgressReport
from storage.models import ExpressionOfInterest


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


def test_each_programmes_questions_are_answer_columns_of_the_expression_of_interest():
    asked = asked_keys(ExpressionOfInterest)
    for form in interest_form.FORMS.values():
        keys = [q.key for q in form.questions]
        assert len(set(keys)) == len(keys), form.name
        assert set(keys) <= set(asked), form.name
    # Every asked column is a question of some programme; the rest the advisor fills.
    asked_somewhere = {q.key for form in interest_form.FORMS.values() for q in form.questions}
    assert asked_somewhere == set(asked)
    assert answer_keys(ExpressionOfInterest) == interest.ANSWER_KEYS  # saved, blanked, exported
    assert asked == interest.ASKED_KEYS
    assert set(interest.ANSWER_KEYS) - set(asked) == {"advisor_answers", "advisor_recommendation"}


def test_the_export_and_the_summary_take_the_expression_of_interests_questions():
    # The export's sheet and the coordinators' summary list these questions, one per key.
    questions = interest_flow.setup().questions
    assert set(variants(questions, "interest")) == {"fkf", "vwp"}
    contributed = questions_of(questions, "interest")
    assert {q.key for q in contributed} == set(asked_keys(ExpressionOfInterest))


def test_only_columns_marked_as_answers_count():
    class Sample(SQLModel, table=True):
        __tablename__ = "answer_columns_sample"

        id: int | None = Field(default=None, primary_key=True)
        step: str = ""
        colour: str | None = answer(max_length=16)
        size: int | None = answer()
        note: str | None = None
        hint: str | None = answer(asked=False, max_length=16)

    assert answer_keys(Sample) == ("colour", "size", "hint")
    assert asked_keys(Sample) == ("colour", "size")
    SQLModel.metadata.remove(Sample.__table__)
