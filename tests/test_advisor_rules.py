"""The advisor never gives wrong advice: for every answer combination and every country rule
table, no model it recommends contradicts a hard answer or is impossible in the country, a
runner-up always has its reasons, and when nothing fits it says so and points to the programme."""

from __future__ import annotations

import html
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import advisor
from bot.advisor import (
    CHOICES,
    DEVELOPMENT_WORKER,
    INTEGRATED,
    LOCAL,
    MODELS,
    NOT_POSSIBLE,
    POSSIBLE,
    STATUSES,
    Rule,
    recommend,
)
from bot.i18n import _, render, use_language
from conversations.advisor.advisor_result import result_view
from storage import model_rules
from storage.model_rules import RuleRow
from tests.test_advisor import answer_advisor

ALL_ANSWERS = [
    dict(zip(CHOICES, values, strict=True))
    for values in itertools.product(*([o.value for o in options] for options in CHOICES.values()))
]
# Every rule table: each model possible, not possible, to be confirmed, or without a rule.
ALL_RULE_TABLES = [
    {model: Rule(status) for model, status in zip(MODELS, statuses, strict=True) if status}
    for statuses in itertools.product((*STATUSES, None), repeat=len(MODELS))
]

# What each model is, from the programme's brochure (shared/seeds/fachkraeftefonds-…): the
# answers that rule it out. Integrated: a European in a key position of the partner
# municipality on its local contract. Development worker: a European advising the partner,
# contract and pay through GIZ. Local expert: from the partner country, on a local contract.
RULED_OUT_BY = {
    INTEGRATED: {("position", "alongside"), ("background", "local"), ("contract", "no")},
    DEVELOPMENT_WORKER: {("background", "local")},
    LOCAL: {("background", "european"), ("contract", "no")},
}


def contradicts(model: str, answers: dict[str, str]) -> bool:
    return any(answers.get(key) == value for key, value in RULED_OUT_BY[model])


def test_no_advice_contradicts_a_hard_answer_or_the_country_and_runners_up_have_reasons():
    assert len(ALL_ANSWERS) == 3**4 and len(ALL_RULE_TABLES) == 4**3
    for answers, rules in itertools.product(ALL_ANSWERS, ALL_RULE_TABLES):
        answers = {**answers, "country": "GH"}
        result = recommend(answers, rules)
        impossible = {m for m, r in rules.items() if r.status == NOT_POSSIBLE}
        fitting = [m for m in MODELS if m not in impossible and not contradicts(m, answers)]
        for model in (result.best, result.runner_up):
            if model is not None:
                assert not contradicts(model, answers), (answers, rules, model)
                assert model not in impossible, (answers, rules, model)
        if result.runner_up is not None:
            assert result.reasons[result.runner_up], (answers, rules)
            assert result.runner_up != result.best and result.best is not None
        # Something is recommended exactly when some model fits; then it is one that fits.
        assert (result.best is None) == (not fitting), (answers, rules)


def test_every_model_left_out_is_explained():
    for answers, rules in itertools.product(ALL_ANSWERS, ALL_RULE_TABLES):
        answers = {**answers, "country": "GH"}
        result = recommend(answers, rules)
        impossible = {m for m, r in rules.items() if r.status == NOT_POSSIBLE}
        fitting = [m for m in MODELS if m not in impossible and not contradicts(m, answers)]
        # Impossible in the country, or ruled out by the answers with the reasons why.
        for model in set(MODELS) - set(fitting):
            assert model in result.impossible or result.ruled_out.get(model), (answers, model)


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(ALL_ANSWERS),
    st.sampled_from(ALL_RULE_TABLES),
    st.sampled_from(["de", "en"]),
)
def test_when_nothing_fits_the_result_says_so_and_points_to_the_programme(answers, rules, lang):
    answers = {**answers, "country": "GH"}
    result = recommend(answers, rules)
    with use_language(lang):
        text = html.unescape(render("models/result", **result_view(result, rules, answers, None)))
    if result.best is None:
        assert "⭐" not in text
        coordination = "Koordination des Programms" if lang == "de" else "programme's coordination"
        assert coordination in text
    if result.runner_up is not None:
        runner_up = text.split("🥈")[1]
        assert ("weil Sie angegeben haben" if lang == "de" else "because you said") in runner_up


GHANA_WITHOUT_DEVELOPMENT_WORKERS = [RuleRow("GH", DEVELOPMENT_WORKER, NOT_POSSIBLE)]
START = {
    "en": "🧭 Which model fits us? Start the advisor",
    "de": "🧭 Welches Modell passt zu uns? Beratung starten",
}
SHOW = {"en": "🧭 Show the recommendation", "de": "🧭 Empfehlung anzeigen"}
ISSUE_ANSWERS = {
    "en": [
        "Advice from alongside the administration",
        "European experience",
        "No, it cannot",
        "Methodological and organisational",
    ],
    "de": [
        "Beratung von außen, an der Seite der Verwaltung",
        "Europäische Erfahrung",
        "Nein, kann sie nicht",
        "Methodisch und organisatorisch",
    ],
}


async def test_no_local_contract_and_no_development_worker_in_ghana_points_to_the_programme(
    bot, clock
):
    bot.db.call(
        model_rules.import_rules, rows=GHANA_WITHOUT_DEVELOPMENT_WORKERS, actor="cli:t", now=clock()
    )
    for language, user_id in (("en", 4242), ("de", 5151)):
        person = bot.person(user_id=user_id, language=language)
        await person.send("/models")
        await person.click(START[language])
        await answer_advisor(person, ISSUE_ANSWERS[language])
        await person.click(SHOW[language])
        result = html.unescape(person.last.plain)
        assert "⭐" not in result and "🥈" not in result, result
        if language == "en":
            assert "None of the three expert models fits your answers for Ghana." in result
            assert "Integrated expert does not fit: it works in a key position" in result
            assert "local employment contract from the partner municipality, which you" in result
            assert "Development worker is not possible in Ghana." in result
            assert "Local expert does not fit: it is an expert from the partner country" in result
            assert "Please contact the programme's coordination" in result
        else:
            assert "Keines der drei Fachkraftmodelle passt zu Ihren Angaben für Ghana." in result
            assert "Integrierte Fachkraft passt nicht: es sieht eine Schlüsselposition" in result
            assert "es braucht einen lokalen Arbeitsvertrag der Partnerkommune" in result
            assert "Koordination des Programms" in result


def test_a_possible_model_that_fits_is_still_recommended_with_its_reasons():
    everything_possible = {m: Rule(POSSIBLE) for m in MODELS}
    answers = {
        "position": "alongside",
        "background": "european",
        "contract": "no",
        "focus": "methodological",
        "country": "GH",
    }
    result = recommend(answers, everything_possible)
    assert (result.best, result.runner_up) == (DEVELOPMENT_WORKER, None)
    assert set(result.ruled_out) == {INTEGRATED, LOCAL}
    assert advisor._C_NO_CONTRACT in result.ruled_out[INTEGRATED]


def test_why_a_model_is_ruled_out_reads_in_both_languages():
    whys = {why for by_model in advisor.RULED_OUT.values() for why in by_model.values()}
    assert len(whys) == 4
    for why in whys:
        with use_language("de"):
            german = _(why)
        with use_language("en"):
            english = _(why)
        assert english == why and german and german != english, why
