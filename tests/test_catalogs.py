"""Every text a person can read exists in every language the bot speaks, with the same placeholders."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot import i18n

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "locales"))
import update as catalogs  # noqa: E402  (locales/update.py, the extraction the team runs)

PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


def extracted() -> dict[str, set[str]]:
    """msgid -> the domain it belongs to, straight from code and templates."""
    return {m.id: domain for domain, catalog in catalogs.extract().items() for m in catalog if m.id}


def catalog(language: str) -> dict[str | tuple[str, ...], str | tuple[str, ...]]:
    """msgid -> msgstr; a plural's msgid and msgstr are tuples of its forms."""
    messages: dict[str | tuple[str, ...], str | tuple[str, ...]] = {}
    for path in i18n.catalog_files(language):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=language):
                if message.id and not message.fuzzy:
                    messages[message.id] = (
                        tuple(message.string)
                        if isinstance(message.string, tuple | list)
                        else message.string
                    )
    return messages


def test_sources_have_texts():
    assert len(extracted()) > 100


@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
def test_every_message_is_translated(language):
    found = catalog(language)
    missing = [msgid for msgid in extracted() if not catalogs.translated(found.get(msgid))]
    assert not missing, f"untranslated in {language}: {missing[:10]} (run locales/update.py)"


@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
def test_placeholders_match_the_source(language):
    def placeholders(text: str | tuple[str, ...]) -> set[str]:
        # The same names; how often each is repeated is the language's business.
        return set(PLACEHOLDER.findall(text)) if isinstance(text, str) else set()

    wrong = [
        (msgid, text)
        for msgid, text in catalog(language).items()
        if isinstance(msgid, str) and text and placeholders(msgid) != placeholders(text)
    ]
    # A plural's forms may leave the number out ("one message"), but never bring a new one.
    wrong += [
        (msgid, text)
        for msgid, text in catalog(language).items()
        if isinstance(msgid, tuple)
        and not {p for form in text for p in PLACEHOLDER.findall(form)}
        <= {p for form in msgid for p in PLACEHOLDER.findall(form)}
    ]
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
def test_a_text_shared_by_two_domains_reads_the_same_in_both(language):
    # The domains are merged into one catalog at run time: with two translations of one msgid,
    # whichever domain is merged last would silently win (a column header, a notice).
    seen: dict[str | tuple[str, ...], dict[str, object]] = {}
    for path in i18n.catalog_files(language):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=language):
                if message.id:
                    seen.setdefault(message.id, {})[path.stem] = message.string
    differing = {
        msgid: by_domain
        for msgid, by_domain in seen.items()
        if len(set(map(str, by_domain.values()))) > 1
    }
    assert not differing, differing


def test_german_catalog_is_not_a_copy_of_english():
    german = catalog("de")
    same = [m for m in extracted() if german.get(m) == m]
    # Names, numbers and the bilingual language labels may stay as they are; prose may not.
    assert len(same) < len(extracted()) * 0.1, same


def test_language_resolution():
    assert i18n.language_for("de-AT") == "de"
    assert i18n.language_for("en-GB") == "en"
    assert i18n.language_for("fr") == "fr"
    assert i18n.language_for("pt-br") == "pt"
    assert i18n.language_for("es-419") == "es"
    assert i18n.language_for("fr_CA.UTF-8") == "fr"
    assert i18n.language_for("sw") == "en"
    assert i18n.language_for(None) == "en"


def test_texts_switch_per_reader_without_global_state():
    with i18n.use_language("de"):
        assert i18n._("Yes") == "Ja"
        with i18n.use_language("en"):
            assert i18n._("Yes") == "Yes"
        assert i18n._("Yes") == "Ja"


def test_a_new_text_waits_for_its_translators_in_every_language(tmp_path, monkeypatch, capsys):
    # English fills its msgstrs from the msgids; that must not reach the languages after it in
    # LANGUAGES, or a new text would pass as "translated" in French while it is English.
    template = Catalog(project="partnerbot", fuzzy=False)
    template.add("A brand-new text")
    monkeypatch.setattr(catalogs, "extract", lambda: {"messages": template})
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    catalogs.update()
    for language in i18n.LANGUAGES:
        with (tmp_path / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            [message] = [m for m in read_po(handle, locale=language) if m.id]
        expected = "A brand-new text" if language == i18n.MSGID_LANGUAGE else ""
        assert message.string == expected, language
