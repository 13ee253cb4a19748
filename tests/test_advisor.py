"""The expert-model advisor: /models, the five questions, the recommendation, inside the form."""

from __future__ import annotations

import html
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlmodel import Session

from bot import advisor, countries, i18n, model_profiles
from bot.advisor import (
    CHOICES,
    DEVELOPMENT_WORKER,
    INTEGRATED,
    LOCAL,
    MODELS,
    NOT_POSSIBLE,
    POSSIBLE,
    STATUSES,
    TO_BE_CONFIRMED,
    Rule,
    recommend,
)
from bot.buttons.advisor import ModelTaken
from bot.i18n import _, use_language
from storage import model_rules
from storage.advisor_tables import AdvisorSession
from storage.model_rules import RuleRow
from storage.models import ExpressionOfInterest
from tests.conftest import COORDINATORS
from tests.test_my_data import readable_data

ALL_ANSWERS = [
    dict(zip(CHOICES, values, strict=True))
    for values in itertools.product(*([o.value for o in options] for options in CHOICES.values()))
]
COUNTRY_CODES = sorted(countries._names())

rule = st.builds(
    Rule,
    status=st.sampled_from(STATUSES),
    reasons=st.dictionaries(st.sampled_from(sorted(i18n.LANGUAGES)), st.text(max_size=20)),
)
country_rules = st.dictionaries(st.sampled_from(MODELS), rule)  # a model left out: to confirm


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(COUNTRY_CODES), country_rules, min_size=1, max_size=6))
def test_every_answer_combination_gets_a_deterministic_possible_recommendation(rules_by_country):
    assert len(ALL_ANSWERS) == 3**4
    for (country, rules), answers in itertools.product(rules_by_country.items(), ALL_ANSWERS):
        answers = {**answers, "country": country}
        result = recommend(answers, rules)
        # Deterministic: the same inputs, given in another order, give the same result.
        again = recommend(dict(reversed(answers.items())), dict(reversed(rules.items())))
        assert again == result
        impossible = {m for m, r in rules.items() if r.status == NOT_POSSIBLE}
        assert set(result.impossible) == impossible
        assert result.best not in impossible and result.runner_up not in impossible
        if impossible == set(MODELS):
            assert result.best is None and result.runner_up is None
        elif result.best is None:  # every model the country allows is ruled out by an answer
            assert result.runner_up is None and set(result.ruled_out) | impossible == set(MODELS)
        else:
            assert result.runner_up != result.best
            assert result.runner_up is None or len(impossible) < 2
        for model in result.to_confirm:
            assert rules.get(model, Rule()).status == TO_BE_CONFIRMED
        if answers["contract"] == "no" and answers["background"] != "local":
            # The only model without a local contract; a European, so not for "local" experience.
            expected = None if DEVELOPMENT_WORKER in impossible else DEVELOPMENT_WORKER
            assert result.best == expected


def test_a_clear_profile_points_to_each_model():
    everything_possible = {m: Rule(POSSIBLE) for m in MODELS}
    cases = {
        INTEGRATED: ("inside", "european", "yes", "strategic"),
        DEVELOPMENT_WORKER: ("alongside", "european", "no", "methodological"),
        LOCAL: ("inside", "local", "yes", "implementation"),
    }
    for model, values in cases.items():
        answers = dict(zip(CHOICES, values, strict=True))
        assert recommend(answers, everything_possible).best == model
    # Not possible in the country: the next best, never the impossible one.
    answers = dict(zip(CHOICES, cases[INTEGRATED], strict=True))
    result = recommend(answers, {INTEGRATED: Rule(NOT_POSSIBLE, {"de": "Nein", "en": "No"})})
    assert result.best == DEVELOPMENT_WORKER and INTEGRATED in result.impossible


def test_reasons_and_comparison_exist_in_both_languages():
    texts = {o.label for options in CHOICES.values() for o in options}
    texts |= {reason for (_points, reason) in _all_weights()}
    texts |= {c for a in ALL_ANSWERS for cs in advisor._cautions(a).values() for c in cs}
    texts |= {
        getattr(p, f) for p in model_profiles.PROFILES for f in ("who", "employer", "pay", "role")
    }
    texts |= {getattr(p, f) for p in model_profiles.PROFILES for f in ("recruitment", "duration")}
    for text in texts:
        with use_language("de"):
            german = _(text)
        with use_language("en"):
            english = _(text)
        assert english == text and german and german != english, text


def _all_weights():
    return [entry for weights in advisor.WEIGHTS.values() for entry in weights.values()]


async def test_models_compares_the_three_models_in_english_and_german(bot):
    ama = bot.person(language="en")
    await ama.send("/models")
    text = ama.last.text
    for name in ("Integrated expert", "Development worker", "Local expert"):
        assert name in text
    assert "CIM" in text and "GIZ" in text and "topped up to European level" in text
    assert "usually two years" in text
    # One block per model, each with its six lines: readable on a phone, no table.
    blocks = [b for b in text.split("\n\n") if "👤" in b]
    assert len(blocks) == 3 and all(len(b.splitlines()) == 7 for b in blocks)
    assert "🧭 Which model fits us? Start the advisor" in ama.buttons
    await ama.send("/help")
    assert "/models — compare the three expert models" in ama.last.text
    assert "/rules" not in ama.last.text  # only coordinators are told about it

    jonas = bot.person(user_id=5151, language="de", name="Jonas")
    await jonas.send("/start")
    await jonas.click("🧭 Fachkraftmodelle")
    text = jonas.last.text
    for name in (
        "Integrierte Fachkraft",
        "Entwicklungshelferin/Entwicklungshelfer",
        "Einheimische Fachkraft",
    ):
        assert name in text
    assert "auf europäisches Niveau aufgestockt" in text and "in der Regel zwei Jahre" in text
    assert "🧭 Welches Modell passt zu uns? Beratung starten" in jonas.buttons


async def answer_advisor(person, choices, country=("Gha", "Ghana")):
    """Clicks the four choices, types and confirms the country, ends at the summary."""
    for label in choices:
        await person.click(label)
    if country:
        await person.send(country[0])
        await person.click(country[1])


async def test_advisor_in_english_recommends_and_warns_when_to_be_confirmed(bot):
    ama = bot.person(language="en")
    await ama.send("/models")
    await ama.click("🧭 Which model fits us? Start the advisor")
    assert "Step 1 of 5" in ama.last.text
    assert {"◀️ Back", "✖️ Cancel"} <= set(ama.buttons)
    await answer_advisor(
        ama,
        [
            "A key position inside the partner administration",
            "European experience",
            "Yes, it can",
            "Strategic",
        ],
    )
    assert "Please check your answers" in ama.last.text
    await ama.click("🧭 Show the recommendation")
    result = ama.last.text
    assert "Recommendation for Ghana" in result
    assert "⭐ <b>Integrated expert</b>" in result
    assert (
        "because you said: the expert should hold a key position inside the partner administration"
        in result
    )
    assert "Runner-up: <b>Development worker</b>" in result
    assert "not yet confirmed. Please confirm it with the programme" in result
    with Session(bot.db.engine) as session:
        [run] = session.execute(select(AdvisorSession)).scalars().all()
    assert run.status == "done" and run.recommendation["best"] == INTEGRATED
    assert run.answers == {
        "position": "inside",
        "background": "european",
        "contract": "yes",
        "focus": "strategic",
        "country": "GH",
    }


async def test_a_model_not_possible_in_the_country_is_never_recommended_and_explained(bot, clock):
    bot.db.call(
        model_rules.import_rules,
        rows=[
            RuleRow(
                "GH",
                INTEGRATED,
                NOT_POSSIBLE,
                {"de": "Keine lokalen Verträge.", "en": "No local contracts."},
            ),
            RuleRow("GH", DEVELOPMENT_WORKER, POSSIBLE),
        ],
        actor="cli:test",
        now=clock(),
    )
    jonas = bot.person(user_id=5151, language="de", name="Jonas")
    await jonas.send("/models")
    await jonas.click("🧭 Welches Modell passt zu uns? Beratung starten")
    await answer_advisor(
        jonas,
        [
            "Eine Schlüsselposition in der Partnerverwaltung",
            "Europäische Erfahrung",
            "Ja, kann sie",
            "Strategisch",
        ],
    )
    await jonas.click("🧭 Empfehlung anzeigen")
    result = jonas.last.text
    assert "⭐ <b>Entwicklungshelferin/Entwicklungshelfer</b>" in result
    assert "Integrierte Fachkraft ist in Ghana nicht möglich. Keine lokalen Verträge." in result
    assert "⭐ <b>Integrierte Fachkraft</b>" not in result
    # The development worker is confirmed as possible. A local expert is no runner-up for
    # someone who said European experience matters most (it comes from the partner country).
    assert "Ob dieses Modell in Ghana möglich ist" not in result
    assert "🥈" not in result
    local = "Einheimische Fachkraft passt nicht: es sieht eine Fachkraft aus dem Partnerland vor"
    assert local in result


async def test_a_country_without_any_possible_model_points_to_the_coordination(bot, clock):
    rows = [RuleRow("BO", m, NOT_POSSIBLE, {"en": "Not in this country."}) for m in MODELS]
    bot.db.call(model_rules.import_rules, rows=rows, actor="cli:test", now=clock())
    ama = bot.person(language="en")
    await ama.send("/models")
    await ama.click("🧭 Which model fits us? Start the advisor")
    await answer_advisor(
        ama, ["Either / not sure", "Both matter / not sure", "We don't know yet", "Strategic"], None
    )
    await ama.send("Bolivia")
    await ama.click("Bolivia")
    await ama.click("🧭 Show the recommendation")
    result = ama.last.text
    assert "In Bolivia, none of the three expert models is possible at the moment." in result
    assert "Local expert is not possible in Bolivia. Not in this country." in result
    assert "Please contact the programme's coordination" in html.unescape(result)
    assert "⭐" not in result


async def test_unknown_country_text_gets_a_polite_correction(bot):
    ama = bot.person(language="en")
    await ama.send("/models")
    await ama.click("🧭 Which model fits us? Start the advisor")
    await answer_advisor(
        ama,
        [
            "Either / not sure",
            "Local knowledge and language",
            "Yes, it can",
            "Hands-on implementation",
        ],
        None,
    )
    await ama.send("Xyzzyland")
    assert "I couldn't find a country for “Xyzzyland”" in html.unescape(ama.last.text)
    assert "Step 5 of 5" in ama.last.text
    await ama.send("Elfenbein")
    await ama.click("Côte d’Ivoire")
    assert "Please check your answers" in ama.last.text


async def test_back_cancel_and_restart_in_the_middle_lose_nothing(bot):
    ama = bot.person(language="en")
    await ama.send("/models")
    await ama.click("🧭 Which model fits us? Start the advisor")
    await ama.click("Advice from alongside the administration")
    await ama.click("European experience")
    assert "Step 3 of 5" in ama.last.text
    await ama.click("◀️ Back")
    assert "Step 2 of 5" in ama.last.text
    await ama.click("✖️ Cancel")
    assert "Paused" in ama.last.text and "▶️ Continue" in ama.buttons
    await ama.send("Ghana")  # paused: typed text is not taken as an answer
    assert "Step" not in ama.last.text

    bot = await bot.restart()
    ama = bot.person(language="en")
    await ama.send("/models")
    assert "▶️ Continue the advisor (step 2 of 5)" in ama.buttons
    await ama.click("▶️ Continue the advisor (step 2 of 5)")
    assert "Step 2 of 5" in ama.last.text
    await ama.click("Local knowledge and language")
    await ama.click("No, it cannot")

    bot = await bot.restart()
    ama = bot.person(language="en")
    await ama.send("/models")
    await ama.click("▶️ Continue the advisor (step 4 of 5)")
    await ama.click("Methodological and organisational")
    bot = await bot.restart()  # again: the typed country still goes to the advisor
    ama = bot.person(language="en")
    await ama.send("tanzan")
    await ama.click("Tanzania")
    await ama.click("🧭 Show the recommendation")
    # Local experience, advice from alongside and no local contract: no model fits (a
    # development worker is European, the other two need a local contract).
    assert "None of the three expert models fits your answers for Tanzania." in ama.last.text
    assert "⭐" not in ama.last.text
    with Session(bot.db.engine) as session:
        [run] = session.execute(select(AdvisorSession)).scalars().all()
    assert run.answers == {
        "position": "alongside",
        "background": "local",
        "contract": "no",
        "focus": "methodological",
        "country": "TZ",
    }


async def test_a_stale_advisor_button_changes_nothing(bot):
    ama = bot.person(language="en")
    await ama.send("/models")
    await ama.click("🧭 Which model fits us? Start the advisor")
    first = ama.last
    await ama.click("Either / not sure")
    await ama.click("European experience")
    await ama.click("A key position inside the partner administration", message=first)
    assert "earlier step" in (ama.bot_answers()[-1]["text"] or "")
    assert "Step 3 of 5" in ama.last.text


async def until_expert_model(person, german=False):
    de = german
    await person.send("/interest")
    await person.click("Fachkräftefonds")
    await person.send("Stadt Bonn")
    await person.click("Nordrhein-Westfalen" if de else "North Rhine-Westphalia")
    await person.send("Cape Coast")
    await person.send("Gha")
    await person.click("Ghana")
    await person.click("5 bis 10 Jahre" if de else "5 to 10 years")
    await person.send("Abfallwirtschaft")
    await person.send("Ein Sammelsystem aufbauen")


def submissions(bot) -> list[ExpressionOfInterest]:
    with Session(bot.db.engine) as session:
        rows = session.execute(select(ExpressionOfInterest).order_by(ExpressionOfInterest.id))
        return list(rows.scalars())


async def test_help_me_choose_inside_the_expression_of_interest_in_english(bot):
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.send("/start")
    ama = bot.person(language="en")
    await until_expert_model(ama)
    assert "🧭 Help me choose" in ama.buttons
    await ama.click("🧭 Help me choose")
    assert "Your expression of interest waits meanwhile" in ama.messages[-2].text
    await ama.click("A key position inside the partner administration")
    await ama.click("European experience")
    await ama.click("Yes, it can")
    await ama.click("Strategic")
    # The partner country of the form is already there.
    assert "Current answer: Ghana" in ama.last.text and "Step 5 of 5" in ama.last.text
    await ama.click("Keep current answer")
    await ama.click("🧭 Show the recommendation")
    assert "Take the recommended model into your expression of interest" in ama.last.text
    assert ama.buttons[0] == "✅ Take Integrated expert (recommended)"
    await ama.click("✅ Take Integrated expert (recommended)")
    assert "✅ Preferred expert model: Integrated expert" in ama.messages[-2].text
    assert "Who is the contact person" in ama.last.text  # the form goes on
    await ama.send("Maria Müller")
    await ama.send("Head of the international office")
    await ama.send("maria.mueller@bonn.de")
    await ama.click("Yes, I agree")
    assert "Preferred expert model:</b> Integrated expert" in ama.last.text
    await ama.click("📨 Submit")
    [eoi] = submissions(bot)
    assert eoi.status == "submitted" and eoi.expert_model == INTEGRATED
    assert eoi.advisor_recommendation == INTEGRATED
    assert eoi.advisor_answers == {
        "position": "inside",
        "background": "european",
        "contract": "yes",
        "focus": "strategic",
        "country": "GH",
    }
    assert await bot.deliver_outbox() == 2
    english = bot.api.chat(COORDINATORS[0])[-1].text
    assert "Expert-model advisor" in english and "Recommended: Integrated expert" in english
    assert "the expert should hold a key position inside the partner administration" in english
    german = bot.api.chat(COORDINATORS[1])[-1].text  # never wrote: German by default
    assert "Fachkraftmodell-Berater" in german and "Empfohlen: Integrierte Fachkraft" in german
    # Her own data names the advisor's answers and its recommendation as she saw them.
    text = await readable_data(bot, ama)
    assert "A key position inside the partner administration" in text
    assert "<td>Integrated expert</td>" in text
    for code in ("position: inside", "focus: strategic", "<td>integrated</td>"):
        assert code not in text.lower(), code


async def test_help_me_choose_in_german_picking_another_model_from_the_summary(bot):
    jonas = bot.person(user_id=5151, language="de", name="Jonas")
    await until_expert_model(jonas, german=True)
    await jonas.click("Noch unklar")
    await jonas.send("Maria Müller")
    await jonas.send("Leitung")
    await jonas.send("maria.mueller@bonn.de")
    await jonas.click("Ja, ich stimme zu")
    await jonas.click("✏️ Bevorzugtes Fachkraftmodell")
    await jonas.click("🧭 Hilfe bei der Wahl")
    await jonas.click("Beratung von außen, an der Seite der Verwaltung")
    await jonas.click("Europäische Erfahrung")
    await jonas.click("Nein, kann sie nicht")
    await jonas.click("Praktische Umsetzung")
    await jonas.click("Antwort beibehalten")
    await jonas.click("🧭 Empfehlung anzeigen")
    result = jonas.last.text
    assert "⭐ <b>Entwicklungshelferin/Entwicklungshelfer</b>" in result
    assert "weil Sie angegeben haben: die Fachkraft soll die Verwaltung von außen beraten" in result
    assert "passt nicht: es sieht eine Schlüsselposition in der Partnerverwaltung vor" in result
    assert "es braucht einen lokalen Arbeitsvertrag der Partnerkommune" in result
    await jonas.click("Einheimische Fachkraft übernehmen")  # not the recommendation
    # Edited from the summary: back to the summary.
    assert "Bitte prüfen Sie Ihre Antworten" in jonas.last.text
    assert "Bevorzugtes Fachkraftmodell:</b> Einheimische Fachkraft" in jonas.last.text
    await jonas.click("📨 Einreichen")
    [eoi] = submissions(bot)
    assert (eoi.expert_model, eoi.advisor_recommendation) == (LOCAL, DEVELOPMENT_WORKER)
    assert eoi.advisor_answers["contract"] == "no"


async def test_back_to_the_question_and_a_restart_inside_the_form(bot):
    ama = bot.person(language="en")
    await until_expert_model(ama)
    await ama.click("🧭 Help me choose")
    await ama.click("Either / not sure")
    bot = await bot.restart()
    ama = bot.person(language="en")
    await ama.send("Hello")  # the form waits; the advisor's step is a choice
    assert "Please choose one of the buttons below." in ama.last.text
    assert "Expert-model advisor" in ama.last.text and "Step 2 of 5" in ama.last.text
    await ama.click("Both matter / not sure")
    await ama.click("We don't know yet")
    await ama.click("Strategic")
    await ama.send("Ghana")  # typed text goes to the advisor, not to the paused form
    await ama.click("Ghana")
    await ama.click("🧭 Show the recommendation")
    await ama.click("↩️ Back to the question")
    assert "Which expert model do you prefer?" in ama.last.text
    await ama.click("Not sure yet")
    assert "Who is the contact person" in ama.last.text
    [eoi] = submissions(bot)
    assert eoi.expert_model == "unsure" and eoi.advisor_answers is None and not eoi.paused


async def test_cancel_and_discard_the_advisor_returns_to_the_form(bot):
    ama = bot.person(language="en")
    await until_expert_model(ama)
    await ama.click("🧭 Help me choose")
    await ama.click("✖️ Cancel")
    await ama.click("🗑 Discard draft")
    await ama.click("🗑 Yes, discard it")
    assert "Which expert model do you prefer?" in ama.last.text
    await ama.click("Local expert")
    [eoi] = submissions(bot)
    assert eoi.expert_model == LOCAL and eoi.status == "draft"


async def test_a_forged_take_button_cannot_choose_an_impossible_model(bot, clock):
    bot.db.call(
        model_rules.import_rules,
        rows=[RuleRow("GH", LOCAL, NOT_POSSIBLE, {"en": "No."})],
        actor="cli:test",
        now=clock(),
    )
    ama = bot.person(language="en")
    await until_expert_model(ama)
    await ama.click("🧭 Help me choose")
    await answer_advisor(
        ama, ["Either / not sure", "Local knowledge and language", "Yes, it can", "Strategic"], None
    )
    await ama.click("Keep current answer")
    await ama.click("🧭 Show the recommendation")
    assert "Take Local expert" not in " ".join(ama.buttons)
    result = ama.last
    run_id = result.buttons[0][0]["callback_data"].split("|")[2]
    await ama.press(result, ModelTaken(run_id, MODELS.index(LOCAL)).pack())
    assert "Which expert model do you prefer?" in ama.last.text  # back at the question
    [eoi] = submissions(bot)
    assert eoi.expert_model is None
    # Someone else's run id: refused.
    other = bot.person(user_id=777, language="en")
    await until_expert_model(other)
    await other.press(other.last, ModelTaken(run_id, 0).pack())
    assert "already submitted or discarded" in other.last.text
    assert [e.expert_model for e in submissions(bot)] == [None, None]


async def test_the_cancel_command_pauses_the_advisor_and_start_leads_back(bot):
    jonas = bot.person(user_id=5151, language="de", name="Jonas")
    await until_expert_model(jonas, german=True)
    await jonas.click("🧭 Hilfe bei der Wahl")
    await jonas.click("Eine Schlüsselposition in der Partnerverwaltung")
    await jonas.send("/cancel")
    assert "Pausiert" in jonas.last.text and "Fachkraftmodell-Berater" in jonas.last.text
    await jonas.send("/models")
    await jonas.click("▶️ Beratung fortsetzen (Schritt 2 von 5)")
    assert "Schritt 2 von 5" in jonas.last.text
    await jonas.send("/start")  # the form is there too, waiting at the model question
    assert "Fachkraftmodell-Berater" in jonas.last.text  # both unfinished drafts are offered
    await jonas.click("▶️ Interessensbekundung für den Fachkräftefonds")
    assert "Welches Fachkraftmodell bevorzugen Sie?" in jonas.last.text
    await jonas.click("Integrierte Fachkraft")
    [eoi] = submissions(bot)
    assert eoi.expert_model == INTEGRATED and eoi.advisor_answers is None


async def test_back_on_the_advisors_first_question_returns_to_the_form(bot):
    ama = bot.person(language="en")
    await until_expert_model(ama)
    await ama.click("🧭 Help me choose")
    await ama.click("◀️ Back")
    assert "Which expert model do you prefer?" in ama.last.text and "Step 8 of 12" in ama.last.text
    assert "🧭 Help me choose" in ama.buttons  # the form's model question, waiting as it was
    await ama.click("Not sure yet")
    assert "Who is the contact person" in ama.last.text
    # The run had no answer yet: it is gone, not left open for ever.
    await ama.send("/start")
    assert "Expert-model advisor" not in ama.last.text


async def test_back_on_the_first_question_of_an_advisor_from_models_shows_the_models(bot):
    jonas = bot.person(language="de")
    await jonas.send("/models")
    await jonas.click("🧭 Welches Modell passt zu uns? Beratung starten")
    await jonas.click("◀️ Zurück")
    assert "Beratung starten" in " ".join(jonas.last.labels)  # the overview again
    await jonas.send("/start")
    assert "Fachkraftmodell-Berater" not in jonas.last.text


async def test_a_notice_warns_when_the_partner_country_changed_after_the_advisor(bot):
    ama = bot.person(language="en")
    await until_expert_model(ama)
    await ama.click("🧭 Help me choose")
    await ama.click("A key position inside the partner administration")
    await ama.click("European experience")
    await ama.click("Yes, it can")
    await ama.click("Strategic")
    await ama.click("Keep current answer")
    await ama.click("🧭 Show the recommendation")
    await ama.click("✅ Take Integrated expert (recommended)")
    await ama.send("Maria Müller")
    await ama.send("Head of the international office")
    await ama.send("maria.mueller@bonn.de")
    await ama.click("Yes, I agree")
    await ama.click("✏️ Partner country")
    await ama.send("Kenia")
    await ama.click("Kenya")
    await ama.click("📨 Submit")
    await bot.deliver_outbox()
    notice = bot.api.chat(COORDINATORS[0])[-1].plain
    assert "used for Ghana" in notice or "für Ghana genutzt" in notice
    assert "Kenya" in notice or "Kenia" in notice
