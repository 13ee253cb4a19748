"""A date question's example comes from the clock: on any day it is a date the question takes,
typed the way the reader types dates (31.01.2027 in German, 31/01/2027 in English)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import i18n
from bot.form_kinds import check_date, date_example, parse_date, read_date
from bot.questions import Kind
from conversations.deadlines.calls import QUESTIONS as CALL
from conversations.experts.deployment_questions import QUESTIONS as DEPLOYMENT
from conversations.experts.report_questions import QUESTIONS as REPORT
from storage.local_time import DEFAULT_ZONE
from tests.conftest import COORDINATORS

# Two days far apart, the second one long after the examples that were once written by hand
# (31.01.2027) had passed; a leap day and a month end make the month arithmetic work.
INSTANTS = ("2028-02-29T09:00:00+00:00", "2031-12-31T22:30:00+00:00")
at_both_instants = pytest.mark.parametrize(
    "when", [pytest.param(i, marks=pytest.mark.instant(i), id=i[:10]) for i in INSTANTS]
)
TYPED = {"de": r"\d{2}\.\d{2}\.\d{4}", "en": r"\d{2}/\d{2}/\d{4}"}
DATE_QUESTIONS = [q for q in (*CALL, *DEPLOYMENT, *REPORT) if q.kind == Kind.DATE]


def _berlin_today(clock) -> date:
    return clock.now.astimezone(ZoneInfo(DEFAULT_ZONE)).date()


def _example_in(text: str, language: str) -> date:
    """The date after “Example:” (“Beispiel:”), which must be typed as the reader types."""
    label = {"de": "Beispiel", "en": "Example"}[language]
    found = re.search(rf"{label}: ({TYPED[language]})", text)
    assert found, text
    parsed = parse_date(found.group(1))
    assert parsed is not None
    return parsed


@at_both_instants
@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
@pytest.mark.parametrize("question", DATE_QUESTIONS, ids=lambda q: q.key)
def test_every_date_questions_example_is_a_date_it_takes(when, language, question, clock):
    today = clock.now.date()
    with i18n.use_language(language):
        example = date_example(question, today)
    if language in TYPED:
        assert re.fullmatch(TYPED[language], example), example
    value = parse_date(example)  # what the reader types, read back as the same day
    assert value is not None and value.day >= 28  # day first, and nobody reads it month first
    assert check_date(question, value, today) is None
    assert value > today if question.future else value < today


@at_both_instants
def test_a_date_that_cannot_be_read_gets_an_example_from_today(when, clock):
    today = clock.now.date()
    (activity_date,) = (q for q in REPORT if q.key == "activity_date")
    with i18n.use_language("de"):
        _value, problem = read_date(activity_date, "gestern Abend", today)
    assert problem is not None
    typed, iso = re.search(r"als (\S+) oder (\S+)\.", problem).groups()  # type: ignore[union-attr]
    assert parse_date(typed) == date.fromisoformat(iso) < today


@at_both_instants
@pytest.mark.parametrize(
    ("language", "programme", "step", "wrong"),
    [
        ("de", "Fachkräftefonds (kommunale Partnerschaften)", "Schritt 2 von 3", "als Datum"),
        ("en", "Fachkräftefonds (expert fund for municipal partnerships)", "Step 2 of 3", "a date"),
    ],
)
async def test_the_call_closing_date_example_lies_ahead_and_is_taken_as_typed(
    when, language, programme, step, wrong, bot, clock
):
    kim = bot.person(user_id=COORDINATORS[0], language=language, name="Kim")
    await kim.send("/call")
    await kim.click(programme)
    assert step in kim.last.text
    example = _example_in(kim.last.text, language)
    today = _berlin_today(clock)
    assert today + timedelta(days=28) < example < today + timedelta(days=93)
    await kim.send("31.02.")  # a wrong answer: asked again, with an example from today
    assert wrong in kim.last.text and step in kim.last.text
    assert _example_in(kim.last.text, language) == example
    typed = f"{example:%d.%m.%Y}" if language == "de" else f"{example:%d/%m/%Y}"
    await kim.send(typed)  # the example itself is a closing date the call takes
    assert step.replace("2", "3") in kim.last.text


@at_both_instants
async def test_the_deadline_date_example_lies_ahead(when, bot, clock):
    ama = bot.person(user_id=4242, language="en", name="Ama")
    ama.user["username"] = "ama_k"
    await ama.send("/start")
    kim = bot.person(user_id=COORDINATORS[0], language="de", name="Kim")
    await kim.send("/start")
    await kim.send("/deadline")
    await kim.send("@ama_k")
    await kim.send("Den unterschriebenen Arbeitsplan schicken")
    example = _example_in(kim.last.text, "de")
    assert example > _berlin_today(clock) + timedelta(days=28)
    await kim.send("bald")
    assert "kann ich nicht als Datum lesen" in kim.last.text
    assert f"{example:%d.%m.%Y}" in kim.last.text
