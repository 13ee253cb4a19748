"""Answers typed instead of pressed, in any language the bot speaks: yes and no, today and
yesterday (word lists from the catalogs), and countries by their name in any of the languages."""

from __future__ import annotations

from datetime import date

import pytest

from bot import countries, form_kinds, i18n, typed_words
from bot.questions import Kind, Question


@pytest.mark.parametrize(
    ("typed", "language", "meaning"),
    [
        ("yes", "en", True),
        ("Y", "en", True),
        ("ja", "de", True),
        ("Nein", "de", False),
        ("oui", "fr", True),
        ("OUI!", "fr", True),
        ("non", "fr", False),
        ("sí", "es", True),
        ("si", "es", True),
        ("no", "es", False),
        ("sim", "pt", True),
        ("não", "pt", False),
        ("nao", "pt", False),
        # The person's language first, then English and German (and the others) as fallback.
        ("yes", "fr", True),
        ("ja", "pt", True),
        ("no", "fr", False),
        ("oui", "de", True),
        ("peut-être", "fr", None),
        ("", "en", None),
        ("yes please", "en", None),
    ],
)
def test_yes_and_no_in_every_language(typed, language, meaning):
    assert typed_words.yes_or_no(typed, language) is meaning


@pytest.mark.parametrize(
    ("typed", "language", "days"),
    [
        ("today", "en", 0),
        ("Heute", "de", 0),
        ("gestern", "de", 1),
        ("aujourd'hui", "fr", 0),
        ("Aujourd’hui", "fr", 0),
        ("hier", "fr", 1),
        ("hoy", "es", 0),
        ("ayer", "es", 1),
        ("hoje", "pt", 0),
        ("ontem", "pt", 1),
        ("yesterday", "es", 1),
        ("heute", "pt", 0),
        ("morgen", "de", None),
    ],
)
def test_today_and_yesterday_in_every_language(typed, language, days):
    assert typed_words.days_back(typed, language) == days


def test_a_typed_day_is_read_as_a_date_in_the_readers_language():
    question = Question("date", Kind.DATE, "Date", "When?")
    today = date(2026, 11, 23)
    with i18n.use_language("es"):
        assert form_kinds.read_date(question, "Ayer", today) == ("2026-11-22", None)
    with i18n.use_language("pt"):
        assert form_kinds.read_date(question, "hoje", today) == ("2026-11-23", None)
        value, problem = form_kinds.read_date(question, "amanhã", today)
        assert value is None and "amanhã" in (problem or "")
    with i18n.use_language("fr"):  # day first, as in every partner language
        assert form_kinds.read_date(question, "21/11/2026", today) == ("2026-11-21", None)


def test_every_language_has_its_word_lists_translated():
    """A translator who leaves a list as the English one is caught: the lists mean something
    only in the language itself (no is "no" in Spanish too, so it is not checked)."""
    for language in i18n.LANGUAGES:
        if language == i18n.MSGID_LANGUAGE:
            continue
        for msgid in (typed_words.YES, typed_words.TODAY, typed_words.YESTERDAY):
            assert typed_words.words(msgid, language) != typed_words.words(msgid, "en"), (
                language,
                msgid,
            )


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Sénégal", "SN"),
        ("senegal", "SN"),
        ("Moçambique", "MZ"),
        ("mocambique", "MZ"),
        ("Bolivia", "BO"),
        ("Côte d’Ivoire", "CI"),
        ("Côte d'Ivoire", "CI"),
        ("cote d ivoire", "CI"),
        ("Costa de Marfil", "CI"),
        ("Marfil", "CI"),  # a word inside the name
        ("Costa do Marfim", "CI"),
        ("Elfenbeinküste", "CI"),
        ("Brasil", "BR"),
        ("Túnez", "TN"),
        ("tunez", "TN"),
        ("Tunisie", "TN"),
        ("Guinée-Bissau", "GW"),
        ("Sudáfrica", "ZA"),
        ("Marrocos", "MA"),
    ],
)
def test_countries_are_found_by_their_name_in_any_language(typed, code):
    assert countries.search(typed)[0] == code


def test_a_full_name_in_any_language_is_an_exact_match():
    # The exact name comes first, before names that merely start so ("Niger" / "Nigeria").
    assert countries.search("Níger")[0] == "NE"
    assert countries.search("Nigéria")[0] == "NG"
    assert countries.search("Allemagne", exclude=frozenset({"DE"})) == []
