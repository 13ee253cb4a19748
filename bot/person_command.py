"""`partnerbot person erase`: a coordinator erases a person on their request (GDPR Art. 17)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import Any

from bot.config import Settings
from storage.db import Database
from storage.erasure import erase_person
from storage.models import utcnow


def add_subcommand(commands: Any, handler: Callable[[argparse.Namespace], None]) -> None:
    """`person erase TELEGRAM_ID [--yes]`."""
    person = commands.add_parser("person", help="a person's data (right to erasure)")
    person_commands = person.add_subparsers(dest="person_command", required=True)
    erase = person_commands.add_parser(
        "erase",
        help="erase a person on their request: drafts deleted, submissions kept anonymised",
    )
    erase.add_argument("telegram_id", type=int, help="the person's Telegram user id")
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    erase.set_defaults(handler=handler)


def run_erase(args: argparse.Namespace, settings: Settings) -> None:
    """Ask (unless --yes), erase, and say what was kept; exit 1 if nothing was erased."""
    if not args.yes:
        print(
            f"Erase the person with Telegram id {args.telegram_id}? Their drafts are deleted, "
            "their submissions and reports kept anonymised, their reminders cancelled, and the "
            "coordinators told. This cannot be undone."
        )
        if input("Type 'erase' to go on: ").strip().lower() != "erase":
            sys.exit("partnerbot: nothing was erased.")
    db = Database(settings.database_url)
    try:
        db.upgrade()
        done = db.call(
            erase_person,
            person_id=args.telegram_id,
            requested_by=f"cli:{getpass.getuser()}",
            coordinators=settings.coordinators_by_programme,
            now=utcnow(),
        )
    finally:
        db.dispose()
    if done is None:
        sys.exit(f"partnerbot: nothing is stored about Telegram id {args.telegram_id}.")
    kept = ", ".join(done.references) or "none"
    print(f"erased (erasure log {done.log_id}); kept anonymised: {kept}")
