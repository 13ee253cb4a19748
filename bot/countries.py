"""Countries by ISO 3166 code, found by typing part of their name in a language the bot speaks."""

from __future__ import annotations

import difflib
from functools import cache

from babel import Locale

from bot import i18n
from bot.typed_words import fold as _fold

# Babel's territory list also holds regions and placeholders; these are not countries.
_NOT_COUNTRIES = {
    "EU",
    "EZ",
    "UN",
    "QO",
    "XA",
    "XB",
    "ZZ",
    "AQ",
    "BV",
    "HM",
    "UM",
    "CP",
    "DG",
    "EA",
    "IC",
    "TA",
    "AC",
}

# Common names that Babel's territory names do not carry.
_ALIASES = {
    "CI": ("elfenbeinkuste", "ivory coast", "costa do marfim", "costa de marfil"),
    "US": ("usa", "united states of america", "vereinigte staaten von amerika"),
    "GB": ("uk", "england", "great britain", "grossbritannien"),
    "CD": ("drc", "dr kongo", "dr congo"),
    "CZ": ("czech republic", "tschechische republik"),
    "MM": ("burma", "birma"),
    "SZ": ("swaziland", "swasiland"),
    "TR": ("turkey",),
}


@cache
def _names() -> dict[str, tuple[str, ...]]:
    """Every country code with its folded names in every language the bot speaks."""
    names: dict[str, set[str]] = {}
    for language in i18n.LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES:
                names.setdefault(code, set()).add(_fold(name))
    for code, aliases in _ALIASES.items():
        names[code].update(_fold(alias) for alias in aliases)
    return {code: tuple(sorted(found)) for code, found in names.items()}


@cache
def _index() -> tuple[tuple[str, str, tuple[str, ...], str], ...]:
    """(code, folded code, folded names, the names in one string) for a quick first look."""
    return tuple(
        (code, code.casefold(), folded, "\n".join(folded)) for code, folded in _names().items()
    )


def is_country(code: str) -> bool:
    """Whether code is a known ISO 3166-1 alpha-2 country code."""
    return code.upper() in _names()


def search(
    text: str, *, exclude: frozenset[str] = frozenset(), limit: int = 6, fuzzy: bool = True
) -> list[str]:
    """Country codes matching typed text: the code itself, then name starts, then parts; with
    fuzzy, names that merely look alike when nothing matches (only where the person confirms
    the country with a button: "Narnia" looks like Armenia)."""
    query = _fold(text)
    if not query:
        return []
    names = _names()
    exact, starts, contains = [], [], []
    for code, folded_code, folded, joined in _index():
        if code in exclude:
            continue
        if query == folded_code or query in folded:
            exact.append(code)
        elif query not in joined:  # in none of the names: neither starts nor contains
            continue
        elif any(name.startswith(query) for name in folded):
            starts.append(code)
        elif len(query) >= 3 and any(query in name for name in folded):
            contains.append(code)
    found = sorted(exact) + sorted(starts) + sorted(contains)
    if not found and fuzzy and len(query) >= 3:
        by_name = {name: code for code, folded in names.items() for name in folded}
        for name in difflib.get_close_matches(query, list(by_name), n=limit, cutoff=0.7):
            if by_name[name] not in found and by_name[name] not in exclude:
                found.append(by_name[name])
    return found[:limit]
