"""Words people type instead of pressing a button (yes, no, today, yesterday), from the catalogs.

Each list is one msgid whose translation names the accepted words, comma-separated, so that a
translator, not the code, decides what "yes" may be typed as in their language. A word is
accepted in the person's language first, then in every other language the bot speaks (English
and German are what most people fall back on); case, accents and punctuation do not matter:
"Sí", "si" and "sí!" are the same word.
"""

from __future__ import annotations

import re
import unicodedata

from bot import i18n
from bot.i18n import N_

# TRANSLATORS: the words a person may type to answer "yes", comma-separated, lower case; add
# the short forms people really type (e.g. "ja, j").
YES = N_("yes, y")
# TRANSLATORS: the words a person may type to answer "no", comma-separated, lower case.
NO = N_("no, n")
# TRANSLATORS: the words a person may type for today's date, comma-separated, lower case.
TODAY = N_("today")
# TRANSLATORS: the words a person may type for yesterday's date, comma-separated, lower case.
YESTERDAY = N_("yesterday")

_NOT_A_LETTER = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower case, without accents, punctuation as single spaces: "Côte d’Ivoire" is
    "cote d ivoire", "Sí!" is "si", "não" is "nao"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_A_LETTER.sub(" ", bare).strip()


def words(msgid: str, language: str) -> frozenset[str]:
    """The folded words a word list stands for in one language (its translation, split)."""
    translated = i18n.translations(language).ugettext(msgid)
    return frozenset(filter(None, (fold(word) for word in translated.split(","))))


def meaning(text: str, lists: dict[str, str], language: str | None = None) -> str | None:
    """Which of lists (name -> word-list msgid) the typed text is a word of, or None; the
    reader's language decides first, so a word that means two things elsewhere is theirs."""
    typed = fold(text)
    if not typed:
        return None
    for candidate in i18n.preference(language or i18n.current_language()):
        for name, msgid in lists.items():
            if typed in words(msgid, candidate):
                return name
    return None


def yes_or_no(text: str, language: str | None = None) -> bool | None:
    """True for a typed yes, False for a typed no, None for anything else."""
    found = meaning(text, {"yes": YES, "no": NO}, language)
    return None if found is None else found == "yes"


def days_back(text: str, language: str | None = None) -> int | None:
    """0 for a typed "today", 1 for "yesterday" (in any language the bot speaks), else None."""
    found = meaning(text, {"0": TODAY, "1": YESTERDAY}, language)
    return None if found is None else int(found)
