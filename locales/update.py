"""Extract msgids from code and templates and update every language's catalogs.

Run `python locales/update.py` after changing texts; then translate what is new in
locales/<language>/LC_MESSAGES/<domain>.po for every language but English (whose msgstrs are
filled from the msgids).
Each feature keeps its own domain so that work on two features never edits one file.
The languages are bot.i18n.LANGUAGES: a language added there gets its catalogs here, ready to
translate. The templates are extracted in memory each time, so no .pot file is kept.
"""

from __future__ import annotations

import copy
import fnmatch
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from bot import i18n

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
# Comments starting so, just above a text, reach the translators (e.g. bot/typed_words.py).
COMMENT_TAGS = ("TRANSLATORS:",)
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}

# domain -> file patterns (relative to the project root); the first match claims a file.
DOMAINS: dict[str, list[str]] = {
    "advisor": [
        "conversations/advisor/models.py",
        "conversations/advisor/advisor_result.py",
        "conversations/advisor/model_rules.py",
        "conversations/advisor/rule_reasons.py",
        "conversations/advisor/advisor_questions.py",
        "bot/advisor.py",
        "bot/model_profiles.py",
        "bot/model_rules_file.py",
        "bot/templates/models/*.j2",
    ],
    "experts": [
        "conversations/experts/deployment.py",
        "conversations/experts/deployment_questions.py",
        "conversations/experts/invitation.py",
        "conversations/experts/experts_menu.py",
        "conversations/experts/report.py",
        "conversations/experts/report_questions.py",
        "conversations/experts/my_reports.py",
        "conversations/experts/quick_report.py",
        "conversations/experts/progress.py",
        "bot/form_kinds.py",
        "bot/albums.py",
        "bot/expert_access.py",
        "bot/invitation_links.py",
        "bot/deployment_command.py",
        "bot/templates/experts/*.j2",
    ],
    "reminders": [
        "conversations/deadlines/reminders.py",
        "conversations/deadlines/overview.py",
        "conversations/deadlines/calls.py",
        "conversations/deadlines/custom_deadline.py",
        "conversations/deadlines/personal_settings.py",
        "bot/reminders.py",
        "bot/pacing.py",
        "bot/templates/reminders/*.j2",
        "bot/templates/deadlines/*.j2",
        "bot/templates/settings/*.j2",
    ],
    "export": [
        "bot/export_*.py",
        "conversations/exports/*.py",
        "bot/templates/exports/*.j2",
    ],
    "privacy": [
        "conversations/privacy/*.py",
        "bot/templates/privacy/*.j2",
    ],
    "stats": [
        "conversations/coordination/*.py",
        "bot/charts.py",
        "bot/templates/stats/*.j2",
    ],
    "messages": ["bot/*.py", "conversations/*.py", "conversations/*/*.py", "bot/templates/*/*.j2"],
}


def translated(string: str | tuple[str, ...] | None) -> bool:
    """Whether a msgstr is filled in (a plural: every one of its forms)."""
    if isinstance(string, tuple | list):
        return bool(string) and all(string)
    return bool(string)


def domain_of(path: str) -> str | None:
    """The domain a source file's texts belong to."""
    for domain, patterns in DOMAINS.items():
        if any(fnmatch.fnmatch(path, pattern) for pattern in patterns):
            return domain
    return None


def source_files() -> list[Path]:
    """Every file texts are extracted from."""
    found = [*ROOT.glob("bot/**/*.py"), *ROOT.glob("conversations/**/*.py")]
    found += ROOT.glob("bot/templates/**/*.j2")
    return sorted(found)


def extract() -> dict[str, Catalog]:
    """A template catalog per domain, from the sources."""
    templates: dict[str, Catalog] = {}
    for path in source_files():
        relative = path.relative_to(ROOT).as_posix()
        domain = domain_of(relative)
        if domain is None:
            continue
        method = "jinja2" if path.suffix == ".j2" else "python"
        options = JINJA_OPTIONS if method == "jinja2" else {}
        catalog = templates.setdefault(domain, Catalog(project="partnerbot", fuzzy=False))
        for lineno, message, comments, _context in extract_from_file(
            method, str(path), keywords=KEYWORDS, comment_tags=COMMENT_TAGS, options=options
        ):
            catalog.add(message, locations=[(relative, lineno)], auto_comments=comments)
    return templates


def _take_plural_forms(catalog: Catalog, folder: Path) -> None:
    """A new domain takes the plural rule the language's translator chose for its other domains.

    Babel's default rule has three forms for French and Spanish (for "millions"), which no
    translator here uses; without this a new domain would ask for a form nobody writes.
    """
    for sibling in sorted(folder.glob("*.po")):
        with sibling.open("rb") as handle:
            chosen = read_po(handle, locale=catalog.locale).plural_forms
        catalog.mime_headers = [("Plural-Forms", chosen)]
        return


def update() -> None:
    """Merge the extracted msgids into every language's catalogs."""
    for domain, template in extract().items():
        for language in i18n.LANGUAGES:
            path = i18n.LOCALES_DIR / language / "LC_MESSAGES" / f"{domain}.po"
            if path.exists():
                with path.open("rb") as handle:
                    catalog = read_po(handle, locale=language)
            else:
                catalog = Catalog(locale=language, project="partnerbot", fuzzy=False)
                _take_plural_forms(catalog, path.parent)
            # A copy: the English catalog fills its msgstrs from the msgids below, which must not
            # reach the template that the languages after it are updated from.
            catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
            if language == i18n.MSGID_LANGUAGE:
                for message in catalog:
                    if message.id and not translated(message.string):
                        message.string = message.id  # a plural's (singular, plural) as well
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as handle:
                write_po(
                    handle,
                    catalog,
                    omit_header=False,
                    sort_output=True,
                    no_location=True,
                    ignore_obsolete=True,
                    width=100,
                )
            untranslated = [m.id for m in catalog if m.id and not translated(m.string)]
            shown = path.relative_to(i18n.LOCALES_DIR.parent)
            print(f"{shown}: {len(catalog)} messages, {len(untranslated)} untranslated")


if __name__ == "__main__":
    update()
    sys.exit(0)
