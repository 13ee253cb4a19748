"""Languages: the gettext catalogs, the reader's language for this update, and message templates."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime, get_timezone
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined

logger = logging.getLogger(__name__)

# The languages the bot speaks, each with the flag on its /language button. Everything else
# (catalogs loaded at start, the picker, command menus, the settings' DEFAULT_LANGUAGE, the
# shell, locales/update.py, the CSV columns of per-language data) follows this list. Adding a
# language = its catalogs in locales/<code>/LC_MESSAGES and one entry here.
LANGUAGES: dict[str, str] = {"de": "🇩🇪", "en": "🇬🇧", "pt": "🇧🇷"}
# The msgids' language: its catalogs are filled from the msgids (locales/update.py).
MSGID_LANGUAGE = "en"
# The language of everyone whose own is not in the list, and the first fallback for data that
# is missing in the reader's language: the msgids', so that every text exists in it.
FALLBACK = MSGID_LANGUAGE
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

_language: ContextVar[str] = ContextVar("language", default=FALLBACK)


class CatalogError(RuntimeError):
    """A catalog is missing or cannot be read: the bot must not start with it."""


def language_for(telegram_code: str | None) -> str:
    """The supported language of a Telegram (IETF) or locale code, e.g. de for de-AT or
    de_DE.UTF-8; the fallback (English) for every language the bot does not speak."""
    code = (telegram_code or "").lower().replace("_", "-").split(".")[0]
    if code in LANGUAGES:
        return code
    primary = code.split("-")[0]
    return primary if primary in LANGUAGES else FALLBACK


def supported(language: str | None) -> str:
    """language if the bot speaks it, else the fallback."""
    return language if language in LANGUAGES else FALLBACK


def preference(language: str) -> tuple[str, ...]:
    """The languages to look for a text in: the reader's, English, then the rest in list order."""
    return tuple(dict.fromkeys((language, FALLBACK, *LANGUAGES)))


def language_name(language: str) -> str:
    """A language's name in that language itself, capitalised (Babel's), e.g. Deutsch."""
    name = Locale.parse(language).display_name or language
    return name[:1].upper() + name[1:]


def language_button(language: str) -> str:
    """The label of a language's /language button: its flag and its own name."""
    return f"{LANGUAGES[language]} {language_name(language)}"


def catalog_files(language: str) -> list[Path]:
    """The .po files of one language (one per feature domain)."""
    return sorted((LOCALES_DIR / language / "LC_MESSAGES").glob("*.po"))


@cache
def translations(language: str) -> Translations:
    """Every catalog of a language, compiled in memory and merged into one Translations."""
    files = catalog_files(language)
    if not files:
        raise CatalogError(f"no catalog for {language!r} in {LOCALES_DIR / language}")
    merged: Translations | None = None
    for path in files:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        compiled = Translations(buffer, domain=path.stem)
        merged = compiled if merged is None else merged.merge(compiled)
    assert merged is not None
    return merged


def load_all() -> None:
    """Compile every catalog now, so a broken one stops the start and not a conversation."""
    for language in LANGUAGES:
        translations(language)


def current_language() -> str:
    """The language of the person this update is for."""
    return _language.get()


def set_language(language: str) -> None:
    """Make language the reader's language for the rest of this update."""
    _language.set(supported(language))


@contextmanager
def use_language(language: str) -> Iterator[None]:
    """Render in language inside the block (a notice for someone else, in their language)."""
    token = _language.set(supported(language))
    try:
        yield
    finally:
        _language.reset(token)


def gettext(message: str) -> str:
    """The message in the reader's language."""
    return translations(_language.get()).ugettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message in the reader's language."""
    return translations(_language.get()).ungettext(singular, plural, n)


_ = gettext


def country_name(code: str | None) -> str:
    """A country's name in the reader's language (Babel's territory names)."""
    if not code:
        return ""
    return Locale.parse(_language.get()).territories.get(code.upper(), code.upper())


def format_day(value: datetime) -> str:
    """A date, in the reader's language."""
    return format_date(value, format="medium", locale=_language.get())


def format_moment(value: datetime, tz: str = "UTC") -> str:
    """A date and time in the time zone tz, in the reader's language."""
    return format_datetime(value, format="medium", tzinfo=get_timezone(tz), locale=_language.get())


@cache
def environment() -> Environment:
    """One Jinja2 environment: HTML-escaping, gettext bound to the reader's language."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(country_name=country_name, format_day=format_day)
    return env


def render(name: str, /, **context: Any) -> str:
    """Render the template <name>.html.j2 in the reader's language.

    A template's text depends only on the language and its values, so a rendering with plain
    (hashable) values is kept and reused: most steps look the same for everyone who reaches
    them ("Step 3 of 12", the question, its example). Lists and dicts are rendered each time.
    """
    # With each value's type: 1, 1.0 and True are equal keys but may render differently.
    key = (_language.get(), name, *sorted((k, type(v).__name__, v) for k, v in context.items()))
    try:
        hash(key)
    except TypeError:
        return _render(name, context)
    return _render_plain(key)


def _render(name: str, context: dict[str, Any]) -> str:
    return environment().get_template(f"{name}.html.j2").render(**context).strip()


@lru_cache(maxsize=4096)
def _render_plain(key: tuple[Any, ...]) -> str:
    _language_of_key, name, *items = key
    return _render(name, {k: v for k, _type, v in items})


def N_(message: str) -> str:
    """Mark a msgid for extraction; it is translated later, in the reader's language."""
    return message
