"""Partners abroad in their own language: French, Spanish and Portuguese from /start to a
reference number, in the advisor and in an activity report, with yes/no, today and the country
typed in that language; the coordinators read about it in their own language.

The bot's texts are looked up through the catalog of the person's language (never written out
here), so the tests stay true whatever the translators choose.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.i18n import _, country_name, language_button, use_language
from storage.advisor_tables import AdvisorSession
from tests.conftest import COORDINATORS
from tests.experts_scripts import ActivityReport, bind_expert, register_deployment, rows
from tests.instants import on_story_days, reference
from tests.test_interest import stored

# The partner languages, each with words a person types and a country in that language:
# (yes, today, the country typed, its code).
TYPED = {
    "fr": ("OUI", "aujourd'hui", "Sénégal", "SN"),
    "es": ("sí", "Hoy", "bolivia", "BO"),
    "pt": ("Sim", "hoje", "mocambique", "MZ"),
}
PARTNER_LANGUAGES = pytest.mark.parametrize("language", list(TYPED))


def text(language: str, msgid: str, **values: Any) -> str:
    """A text as the bot writes it to a reader of language."""
    with use_language(language):
        translated = _(msgid)
    return translated % values if values else translated


def country(language: str, code: str) -> str:
    """A country's name as the bot writes it to a reader of language."""
    with use_language(language):
        return country_name(code)


@PARTNER_LANGUAGES
async def test_a_whole_expression_of_interest_in_the_partners_language(bot, language):
    yes, _today, typed_country, code = TYPED[language]
    clara = bot.person(user_id=COORDINATORS[0], language="de", name="Clara")
    await clara.send("/start")
    t = lambda msgid, **values: text(language, msgid, **values)  # noqa: E731
    awa = bot.person(language=language, name="Awa")
    await awa.send("/start")
    assert t("Hello %(name)s! 👋", name="Awa") in awa.last.text
    assert t("Hello %(name)s! 👋", name="Awa") != text("en", "Hello %(name)s! 👋", name="Awa")
    await awa.send("/interest")
    await awa.click(t("Fachkräftefonds"))
    await awa.send("Stadt Bonn")
    await awa.click(t("North Rhine-Westphalia"))
    await awa.send("Commune de Saint-Louis")
    await awa.send(typed_country)
    assert country(language, code) in awa.buttons
    await awa.click(country(language, code))
    await awa.click(t("5 to 10 years"))
    await awa.send("Gestion des déchets & finances")
    await awa.send("Créer un système de collecte")
    await awa.click(t("Not sure yet"))
    await awa.send("Awa Diop")
    await awa.send("Cheffe du service de coopération")
    await awa.send("awa.diop@example.org")
    await awa.send(yes)  # the consent, typed in the person's language
    summary = awa.last.text
    assert t("Please check your answers") in summary
    assert country(language, code) in summary
    await awa.click(t("📨 Submit"))
    assert reference("EOI", 1) in awa.last.text
    [eoi] = stored(bot)
    assert (eoi.partner_country, eoi.consent, eoi.language) == (code, True, language)
    assert eoi.expertise == "Gestion des déchets & finances"
    assert await bot.deliver_outbox() == 2
    # Both coordinators read German (one chose it, the other never wrote: DEFAULT_LANGUAGE),
    # with the answers exactly as typed and the country's German name.
    for coordinator in COORDINATORS:
        notice = bot.api.chat(coordinator)[-1].text
        assert f"Neue Interessensbekundung {reference('EOI', 1)}" in notice
        assert "Commune de Saint-Louis" in notice
        assert "Gestion des déchets &amp; finances" in notice
        assert country("de", code) in notice


@PARTNER_LANGUAGES
async def test_an_advisor_run_in_the_partners_language(bot, language):
    yes, _today, typed_country, code = TYPED[language]
    t = lambda msgid, **values: text(language, msgid, **values)  # noqa: E731
    awa = bot.person(language=language, name="Awa")
    await awa.send("/models")
    await awa.click(t("🧭 Which model fits us? Start the advisor"))
    await awa.click(t("A key position inside the partner administration"))
    await awa.click(t("European experience"))
    await awa.send(yes)  # "Yes, it can" offer a local contract, typed as a plain yes
    await awa.click(t("Strategic"))
    await awa.send(typed_country)
    await awa.click(country(language, code))
    assert t("Please check your answers") in awa.last.text
    await awa.click(t("🧭 Show the recommendation"))
    assert t("Recommendation for %(country)s", country=country(language, code)) in awa.last.text
    [run] = rows(bot, AdvisorSession)
    assert run.status == "done"
    assert (run.answers["contract"], run.answers["country"]) == ("yes", code)


@on_story_days
@PARTNER_LANGUAGES
async def test_an_activity_report_in_the_partners_language(bot, language, clock):
    yes, today, _country, _code = TYPED[language]
    t = lambda msgid, **values: text(language, msgid, **values)  # noqa: E731
    code = await register_deployment(bot)
    expert = bot.person(user_id=5001, language=language, name="Jonas")
    await bind_expert(bot, code, expert)
    await expert.send("/report")
    await expert.click(t("Workshop"))
    await expert.send(today)
    await expert.send("Atelier sur le tri des déchets")
    await expert.send("Nous avons cartographié les circuits.")
    await expert.send("25")
    await expert.send("12")
    await expert.send("3 ramasseurs informels")
    await expert.send("Service d'assainissement")
    await expert.click(t("11 Sustainable cities and communities"))
    await expert.click(t("☑️ Done"))
    await expert.click(t("Significant objective"))
    await expert.send(yes)
    await expert.click(t("Skip"))
    await expert.send_photo(caption="Photo de groupe")
    await expert.click(t("☑️ Done"))
    assert t("Please check your answers") in expert.last.text
    await expert.click(t("📨 Submit"))
    assert reference("REP", 1) in expert.last.text
    [report] = rows(bot, ActivityReport)
    assert report.activity_date == clock().date()
    assert report.description == "Nous avons cartographié les circuits."
    await bot.deliver_outbox()
    # Clara registered the deployment in English: she reads English, the report as typed.
    notice = bot.api.chat(COORDINATORS[0])[-2].text
    assert f"New activity report {reference('REP', 1)}" in notice
    assert "Atelier sur le tri des déchets" in notice


@pytest.mark.parametrize("language", ["de", "en", *TYPED])
async def test_language_switches_to_each_and_is_remembered(bot, language):
    ama = bot.person(language="en", name="Ama")
    await ama.send("/language")
    await ama.click(language_button(language))
    assert text(language, "Done — I will write to you in English from now on.") in ama.last.text
    await ama.send("/start")
    assert text(language, "Hello %(name)s! 👋", name="Ama") in ama.last.text
