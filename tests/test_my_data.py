"""The right of access: /mydata sends everything stored about the person, as JSON and as a
readable document in their language and time zone."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import COORDINATORS
from tests.experts_scripts import bind_expert, register_deployment
from tests.instants import on_story_days
from tests.scripts import fachkraeftefonds_until_summary

WORDS = {
    "en": (
        "What partnerbot stores about you",
        "Contact person",
        "Expressions of interest submitted",
    ),
    "de": (
        "Was partnerbot über Sie speichert",
        "Ansprechperson",
        "Eingereichte Interessensbekundungen",
    ),
}


@on_story_days
@pytest.mark.parametrize("language", ["en", "de"])
async def test_mydata_sends_json_and_a_readable_document(bot, language):
    ama = bot.person(language=language)
    ama.user["username"] = "ama_k"
    await fachkraeftefonds_until_summary(ama, german=language == "de")
    await ama.click("📨 Einreichen" if language == "de" else "📨 Submit")
    await ama.send("/interest")  # a new draft beside the submission
    await ama.click("Verwaltungspartnerschaft")
    bot.api.uploads.clear()
    await ama.send("/mydata")
    (json_name, raw), (html_name, page) = bot.api.uploads
    assert (json_name, html_name) == ("partnerbot-my-data.json", "partnerbot-my-data.html")
    data = json.loads(raw)
    assert data["profile"]["username"] == "ama_k" and data["profile"]["first_name"] == "Ama"
    [submitted] = data["submissions"]
    assert submitted["contact_email"] == "maria.mueller@bonn.de"
    assert submitted["expertise"] == "Abfallwirtschaft & <Finanzen>"
    assert [d["programme"] for d in data["drafts"]] == ["vwp"]
    assert "step" not in submitted  # the bot's bookkeeping is not personal data
    text = page.decode()
    title, contact, section = WORDS[language]
    assert f'<html lang="{language}">' in text and title in text and section in text
    assert f"<th>{contact}</th><td>Maria Müller</td>" in text
    assert "Abfallwirtschaft &amp; &lt;Finanzen&gt;" in text  # escaped
    # Dates in the person's zone (a German municipality's: 11:00 when it is 10:00 UTC).
    assert "Europe/Berlin" in text and data["time_zone"] == "Europe/Berlin"
    assert ("23.11.2026, 11:00" if language == "de" else "Nov 23, 2026, 11:00") in text


async def readable_data(bot, person) -> str:
    """The readable document /mydata sends the person."""
    bot.api.uploads.clear()
    await person.send("/mydata")
    (_json, _raw), (_html, page) = bot.api.uploads
    return page.decode()


LABELS = {
    "en": ("North Rhine-Westphalia", "5 to 10 years", "Not sure yet", "News about your"),
    "de": ("Nordrhein-Westfalen", "5 bis 10 Jahre", "Noch unklar", "Neues zu Ihrer"),
}


@on_story_days
@pytest.mark.parametrize("language", ["en", "de"])
async def test_the_readable_document_shows_answers_as_they_were_given_not_codes(bot, language):
    tom = bot.person(user_id=COORDINATORS[0], language="en", name="Tom")
    await tom.send("/start")  # the coordinator reads English
    ama = bot.person(language=language)
    await fachkraeftefonds_until_summary(ama, german=language == "de")
    await ama.click("📨 Einreichen" if language == "de" else "📨 Submit")
    await bot.deliver_outbox()
    await tom.click("✅ Accept", message=bot.api.chat(COORDINATORS[0])[-1])
    await bot.deliver_outbox()  # the news of the decision, sent to Ama
    text = await readable_data(bot, ama)
    state, age, model, message = LABELS[language]
    for label in (state, age, model, message):
        assert label in text, label
    for code in ("<td>NW</td>", "<td>5to10</td>", "<td>not_sure</td>", "notices/eoi_status"):
        assert code not in text, code
    # Every field has a name (an answer its question's label), none shows as a column's key.
    assert not re.findall(r"<th>[a-z_]+</th>", text)


EXPERT_WORDS = {
    "en": ("Your deployments", "Partnership", "Activity reports", "What happened"),
    "de": ("Ihre Einsätze", "Partnerschaft", "Aktivitätsberichte", "Was geschah"),
}


@on_story_days
@pytest.mark.parametrize("language", ["en", "de"])
async def test_an_experts_data_names_each_answer_as_its_question(bot, language):
    code = await register_deployment(bot, german=language == "de")
    jonas = bot.person(user_id=5151, language=language, name="Jonas")
    await bind_expert(bot, code, jonas)
    await jonas.send("Met the partners about the landfill.")
    await jonas.click("⚡ Schnellbericht" if language == "de" else "⚡ Quick report")
    text = await readable_data(bot, jonas)
    for words in EXPERT_WORDS[language]:
        assert words in text, words
    assert "Met the partners about the landfill." in text and "Cape Coast" in text
    assert not re.findall(r"<th>[a-z_]+</th>", text)
