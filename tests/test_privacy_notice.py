"""/privacy (GDPR Art. 13): each role reads what is stored, why, who sees it, how long it is kept
and how to get or erase it, in their language; it is offered before the first stored answer."""

from __future__ import annotations

import pytest

from tests.conftest import COORDINATORS

WORDS = {
    "en": (
        "How long it is kept",
        "touched for 183 days",
        "30 days after sending",
        "/mydata",
        "/deleteme",
    ),
    "de": (
        "Wie lange es gespeichert bleibt",
        "183 Tage niemand bearbeitet",
        "30 Tage nach dem Senden",
        "/mydata",
        "/deleteme",
    ),
}
OFFERED = {
    "en": "Before you start: /privacy says what is stored about you",
    "de": "Bevor Sie beginnen: /privacy sagt, was über Sie gespeichert wird",
}


@pytest.mark.parametrize("language", ["en", "de"])
async def test_privacy_says_how_long_and_how_to_get_or_erase_it(bot, language):
    ama = bot.person(language=language)
    await ama.send("/privacy")
    for words in WORDS[language]:
        assert words in ama.last.text
    clara = bot.person(user_id=COORDINATORS[0], language=language, name="Clara")
    await clara.send("/privacy")
    assert WORDS[language][0] in clara.last.text and "/deleteme" in clara.last.text


async def test_retention_times_come_from_the_settings(bot):
    bot.settings.draft_retention_days, bot.settings.outbox_text_retention_days = 90, 14
    ama = bot.person()
    await ama.send("/privacy")
    assert "touched for 90 days" in ama.last.text and "14 days after sending" in ama.last.text


@pytest.mark.parametrize("language", ["en", "de"])
async def test_privacy_is_offered_before_the_first_stored_answer(bot, language):
    ama = bot.person(language=language)
    await ama.send("/interest")
    assert OFFERED[language] in ama.last.text
