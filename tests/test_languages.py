"""Adding a language = its catalogs and one entry in the list: a throw-away language (Kiswahili,
made at test time, never committed) is offered, used and exported like the five the bot speaks."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from bot import cli, i18n, model_rules_file
from bot.advisor import LOCAL, NOT_POSSIBLE, POSSIBLE, Rule
from bot.command_menu import register_commands
from bot.config import Settings
from storage import model_rules
from storage.model_rules import RuleRow
from tests.conftest import Bot

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "locales"))
import update as catalogs  # noqa: E402  (locales/update.py, the extraction the team runs)

# The languages the bot speaks, with their /language buttons, in the picker's order.
BUTTONS = {
    "de": "🇩🇪 Deutsch",
    "en": "🇬🇧 English",
    "fr": "🇫🇷 Français",
    "es": "🇪🇸 Español",
    "pt": "🇧🇷 Português",
}

SWAHILI = {
    "Hello %(name)s! 👋": "Habari %(name)s! 👋",
    "Start and main menu": "Anza na menyu kuu",
    "Done — I will write to you in English from now on.": "Sawa — nitakuandikia kwa Kiswahili.",
}


def translate(directory: Path, language: str, texts: dict[str, str]) -> None:
    """Fill in some msgstrs of a language's catalogs, as a translator would."""
    for path in (directory / language / "LC_MESSAGES").glob("*.po"):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in catalog:
            if message.id in texts:
                message.string = texts[message.id]
        with path.open("wb") as handle:
            write_po(handle, catalog)


@pytest.fixture
def locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the catalogs to add a language to; the committed ones stay as they are."""
    directory = tmp_path / "locales"
    for language in i18n.LANGUAGES:
        shutil.copytree(i18n.LOCALES_DIR / language, directory / language)
    monkeypatch.setattr(i18n, "LOCALES_DIR", directory)
    i18n.translations.cache_clear()
    yield directory
    i18n.translations.cache_clear()  # the next test reads the committed catalogs again


@pytest.fixture
def swahili(locales: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Kiswahili added the documented way: one entry in the list, locales/update.py makes its
    catalogs, a translator fills in a few texts (the rest stays English)."""
    monkeypatch.setattr(i18n, "LANGUAGES", {**i18n.LANGUAGES, "sw": "🇰🇪"})
    catalogs.update()
    translate(locales, "sw", SWAHILI)
    return locales


async def test_an_added_language_is_offered_and_used(swahili, settings, db, clock):
    bot = Bot(settings, db, clock)  # built after the language was added
    await bot.app.initialize()
    try:
        baraka = bot.person(user_id=5001, language="sw", name="Baraka")
        await baraka.send("/start")
        assert "Habari Baraka!" in baraka.last.text  # from the new catalog
        assert "expression of interest" in baraka.last.text  # not translated yet: English
        ama = bot.person(user_id=5002, language="en")
        await ama.send("/language")
        assert ama.last.labels == [*BUTTONS.values(), "🇰🇪 Kiswahili"]
        await ama.click("🇰🇪 Kiswahili")
        assert "nitakuandikia kwa Kiswahili" in ama.last.text
        await ama.send("/start")
        assert "Habari Ama!" in ama.last.text  # the choice is remembered
        await register_commands(bot.app)
        menus = {
            call.params.get("language_code"): {
                c["command"]: c["description"] for c in call.params["commands"]
            }
            for call in bot.api.calls_to("setMyCommands")
        }
        assert set(menus) == {*BUTTONS, "sw", None}
        assert menus["sw"]["start"] == "Anza na menyu kuu"
        assert menus[None] == menus["en"]
    finally:
        await bot.app.shutdown()


async def test_an_added_language_has_its_column_of_reasons(swahili, db, clock, tmp_path):
    assert model_rules_file.columns()[3:] == (*(f"reason_{code}" for code in BUTTONS), "reason_sw")
    [row] = model_rules_file.parse(
        "country,model,status,reason_sw,reason_en\nKE,local,not_possible,Hapana.,No.\n"
    )
    assert row.reasons == {"sw": "Hapana.", "en": "No."}
    db.call(model_rules.import_rules, rows=[row], actor="cli:test", now=clock())
    exported = model_rules_file.export_text(db)
    assert "country,model,status,reason_de,reason_en,reason_fr,reason_es,reason_pt,reason_sw\n" in (
        exported
    )
    assert "KE,local,not_possible,,No.,,,,Hapana.\n" in exported
    # A file written before the language was added still imports.
    [old] = model_rules_file.parse(
        "country,model,status,reason_de,reason_en\nKE,local,possible,Ja.,Yes.\n"
    )
    assert old == RuleRow("KE", LOCAL, POSSIBLE, {"de": "Ja.", "en": "Yes."})
    # Where a reason is missing in a reader's language: English, then German.
    assert Rule(NOT_POSSIBLE, {"de": "Nein.", "en": "No."}).reason("sw") == "No."
    assert Rule(NOT_POSSIBLE, {"de": "Nein."}).reason("sw") == "Nein."
    assert Rule(NOT_POSSIBLE, {"sw": "Hapana.", "en": "No."}).reason("sw") == "Hapana."


def test_an_added_language_is_a_setting_and_a_shell_choice(swahili, monkeypatch):
    monkeypatch.setenv("DEFAULT_LANGUAGE", "sw")
    assert Settings().default_language == "sw"
    assert cli.parser().parse_args(["shell", "--language", "sw"]).language == "sw"
    assert i18n.language_for("sw-KE") == "sw"


async def test_a_language_without_its_catalogs_stops_the_start(
    locales, monkeypatch, settings, db, clock
):
    monkeypatch.setattr(i18n, "LANGUAGES", {**i18n.LANGUAGES, "sw": "🇰🇪"})
    with pytest.raises(i18n.CatalogError, match="no catalog for 'sw'"):
        Bot(settings, db, clock)


def test_the_five_languages_are_offered_as_before():
    assert [i18n.language_button(code) for code in i18n.LANGUAGES] == list(BUTTONS.values())
    assert "reason_sw" not in model_rules_file.columns()
    with pytest.raises(ValueError, match="must be 'de', 'en', 'fr', 'es' or 'pt'"):
        Settings(default_language="sw")
