"""The country rules as a CSV file: read strictly (line numbers in every complaint), write back.

Format: a header `country,model,status,reason_de,reason_en` (a reason column for every language
the bot speaks, any of them may be left out), one rule per line; lines starting with # are
comments. The file is checked completely before anything is stored, and stored in one
transaction: a bad line changes nothing.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

from bot import countries, i18n
from bot.advisor import MODELS, STATUSES
from storage import model_rules
from storage.db import Database
from storage.model_rules import RuleRow, RuleView

RULE_COLUMNS = ("country", "model", "status")
REASON_LIMIT = 500
HEADER_COMMENT = (
    "# Expert models per country. status: possible | not_possible | to_be_confirmed.\n"
    "# A country without rows counts as to_be_confirmed for all three models.\n"
)


def reason_column(language: str) -> str:
    """The column of the reasons in one language, e.g. reason_de."""
    return f"reason_{language}"


def columns() -> tuple[str, ...]:
    """The file's columns: the rule, then its reason in each language of bot.i18n.LANGUAGES."""
    return (*RULE_COLUMNS, *(reason_column(language) for language in i18n.LANGUAGES))


class RulesFileError(ValueError):
    """A rules file that cannot be imported; says which line and why."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line, self.problem = line, problem


def _records(text: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every record; a quoted reason may span lines (as export writes)."""
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise RulesFileError(line, "a NUL character: is this a text file?")
    # strict: a quote opened and never closed is an error, not a value to the end of the file
    reader = csv.reader(io.StringIO(text), strict=True)
    records = []
    first_line = 1
    try:
        for cells in reader:
            if cells and "".join(cells).strip() and not cells[0].lstrip().startswith("#"):
                records.append((first_line, cells))
            first_line = reader.line_num + 1
    except csv.Error as error:
        raise RulesFileError(first_line, f"a quoted value is not closed ({error})") from error
    return records


def parse(text: str) -> list[RuleRow]:
    """The rules in a file's text; RulesFileError at the first line that is wrong."""
    try:
        numbered = _records(text)
    except csv.Error as error:
        raise RulesFileError(1, f"not a readable CSV file ({error})") from error
    if not numbered:
        raise RulesFileError(1, "the file has no header line " + ",".join(columns()))
    header_line, header = numbered[0]
    names = [name.strip().lower() for name in header]
    missing = [c for c in RULE_COLUMNS if c not in names]
    unknown = [n for n in names if n not in columns()]
    if missing or unknown:
        raise RulesFileError(
            header_line,
            "the header must name the columns "
            + ",".join(columns())
            + f" (found {','.join(header)!r})",
        )
    rows: list[RuleRow] = []
    seen: dict[tuple[str, str], int] = {}
    for number, cells in numbered[1:]:
        if len(cells) > len(names):
            raise RulesFileError(number, f"{len(cells)} values, but the header has {len(names)}")
        values = dict(zip(names, (cell.strip() for cell in cells), strict=False))
        rows.append(_row(number, values, seen))
    return rows


def _row(number: int, values: dict[str, str], seen: dict[tuple[str, str], int]) -> RuleRow:
    country = values.get("country", "").upper()
    model = values.get("model", "")
    status = values.get("status", "")
    if not countries.is_country(country) or len(country) != 2:
        raise RulesFileError(
            number, f"unknown country code {country!r} (use ISO 3166 codes like GH)"
        )
    if country == "DE":
        raise RulesFileError(number, "Germany is not a partner country")
    if model not in MODELS:
        raise RulesFileError(number, f"unknown model {model!r} (use one of {', '.join(MODELS)})")
    if status not in STATUSES:
        raise RulesFileError(
            number, f"unknown status {status!r} (use one of {', '.join(STATUSES)})"
        )
    if (country, model) in seen:
        raise RulesFileError(
            number, f"{country} {model} was already given on line {seen[country, model]}"
        )
    seen[country, model] = number
    reasons = {
        language: reason
        for language in i18n.LANGUAGES
        if (reason := values.get(reason_column(language)))
    }
    for language, reason in reasons.items():
        if len(reason) > REASON_LIMIT:
            raise RulesFileError(
                number, f"{reason_column(language)} is longer than {REASON_LIMIT} characters"
            )
    return RuleRow(country, model, status, reasons)


def write(rules: list[RuleView]) -> str:
    """The rules as file text that `parse` reads back to the same rules."""
    buffer = io.StringIO()
    buffer.write(HEADER_COMMENT)
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns())
    for rule in rules:
        reasons = [rule.reasons.get(language) or "" for language in i18n.LANGUAGES]
        writer.writerow([rule.country, rule.model, rule.status, *reasons])
    return buffer.getvalue()


def import_file(db: Database, path: Path, *, actor: str, now: datetime) -> int:
    """Check the whole file, then store it in one transaction; the number of rules changed."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise RulesFileError(1, f"the file is not UTF-8 text ({error.reason})") from error
    rows = parse(text)
    return db.call(model_rules.import_rules, rows=rows, actor=actor, now=now)


def export_text(db: Database) -> str:
    """Every stored rule as file text."""
    return write(db.call(model_rules.all_rules))
