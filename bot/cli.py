"""The `partnerbot` command: run, shell, db upgrade, models, deployment add, export, person
erase."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import locale
import logging
import os
import sys
from pathlib import Path
from urllib.parse import urlparse

from pydantic import ValidationError

from bot import i18n
from bot.app import build_application
from bot.config import Settings
from bot.deployment_command import add_subcommand, run_add
from bot.export_command import add_subcommand as add_export
from bot.export_command import run_export
from bot.i18n import CatalogError
from bot.instant import InstantError, start_at_chosen_instant
from bot.lock import AlreadyRunning, InstanceLock
from bot.model_rules_file import RulesFileError, columns, export_text, import_file
from bot.person_command import add_subcommand as add_person_subcommand
from bot.person_command import run_erase
from bot.polling import Poller
from bot.serving import UpdateSource
from bot.serving import run as serve
from bot.shell import chat
from bot.webhook import WebhookServer
from storage.db import Database, DatabaseUnavailable
from storage.models import utcnow


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        lines = [
            f"  {'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in error.errors()
        ]
        sys.exit("partnerbot: the configuration is not valid:\n" + "\n".join(lines))


def _run(args: argparse.Namespace) -> None:
    settings = _settings()
    if settings.telegram_bot_token is None:
        sys.exit(
            "partnerbot: TELEGRAM_BOT_TOKEN is not set. Without Telegram, try `partnerbot shell`."
        )
    token = settings.telegram_bot_token.get_secret_value()
    if args.webhook and not (settings.webhook_url and settings.webhook_secret):
        sys.exit("partnerbot: webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET.")
    db = Database(settings.database_url)
    db.upgrade()
    lock = InstanceLock(db, token.split(":", 1)[0])
    try:
        lock.acquire()
    except AlreadyRunning as error:
        sys.exit(f"partnerbot: not started — {error}. One bot process per token.")
    try:
        application = build_application(settings, db=db)
    except CatalogError as error:
        sys.exit(f"partnerbot: {error}")
    try:
        allowed = ["message", "edited_message", "callback_query"]
        if args.webhook:
            assert settings.webhook_url and settings.webhook_secret
            source: UpdateSource = WebhookServer(
                application,
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=_url_path(settings.webhook_url),
                webhook_url=settings.webhook_url,
                secret=settings.webhook_secret.get_secret_value(),
                allowed_updates=allowed,
            )
        else:
            source = Poller(application, allowed_updates=allowed)
        serve(application, source)
    finally:
        lock.release()
        db.dispose()


def _url_path(url: str) -> str:
    return urlparse(url).path.lstrip("/")


def _shell(args: argparse.Namespace) -> None:
    settings = _settings()
    language = args.language or i18n.language_for(locale.getlocale()[0] or os.environ.get("LANG"))
    asyncio.run(chat(settings, user_id=args.user, name=args.name, language=language))


def _db(args: argparse.Namespace) -> None:
    db = Database(_settings().database_url)
    db.upgrade()
    print("database schema is up to date")


def _models(args: argparse.Namespace) -> None:
    db = Database(_settings().database_url)
    db.upgrade()
    try:
        if args.models_command == "import":
            actor = f"cli:{getpass.getuser()}"[:64]
            changed = import_file(db, args.file, actor=actor, now=utcnow())
            print(f"{args.file}: imported, {changed} rule(s) changed")
        elif args.file is None:
            sys.stdout.write(export_text(db))
        else:
            args.file.write_text(export_text(db), encoding="utf-8")
            print(f"rules written to {args.file}")
    except RulesFileError as error:
        sys.exit(f"partnerbot: {args.file}: {error} — nothing was imported.")
    except OSError as error:
        sys.exit(f"partnerbot: {error}")
    finally:
        db.dispose()


def _export(args: argparse.Namespace) -> None:
    run_export(args, _settings())


def _deployment(args: argparse.Namespace) -> None:
    run_add(args, _settings())


def _person(args: argparse.Namespace) -> None:
    run_erase(args, _settings())


def parser() -> argparse.ArgumentParser:
    """The command line."""
    root = argparse.ArgumentParser(prog="partnerbot", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="serve Telegram (long polling, or --webhook)")
    run.add_argument("--webhook", action="store_true", help="serve a webhook instead of polling")
    run.set_defaults(handler=_run)
    shell = commands.add_parser("shell", help="chat with the bot in this terminal, no token needed")
    shell.add_argument("--user", type=int, default=10001, help="your simulated Telegram user id")
    shell.add_argument("--name", default="Ama", help="your first name")
    shell.add_argument("--language", choices=list(i18n.LANGUAGES), help="your Telegram language")
    shell.set_defaults(handler=_shell)
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply all migrations").set_defaults(handler=_db)
    models = commands.add_parser("models", help="the expert models' country rules (CSV)")
    models_commands = models.add_subparsers(dest="models_command", required=True)
    imports = models_commands.add_parser("import", help="load rules from CSV (all or nothing)")
    imports.add_argument("file", type=Path, help="CSV: " + ",".join(columns()))
    imports.set_defaults(handler=_models)
    exports = models_commands.add_parser("export", help="write the rules as CSV")
    exports.add_argument("file", type=Path, nargs="?", help="where to write; stdout if omitted")
    exports.set_defaults(handler=_models)
    add_export(commands, _export)
    add_subcommand(commands, _deployment)
    add_person_subcommand(commands, _person)
    return root


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `partnerbot` console script."""
    args = parser().parse_args(argv)
    try:
        start_at_chosen_instant()
    except InstantError as error:
        sys.exit(f"partnerbot: {error}")
    # In the terminal chat, log lines would interleave with the conversation.
    default_level = "WARNING" if args.command == "shell" else "INFO"
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", default_level),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        args.handler(args)
    except DatabaseUnavailable as error:
        sys.exit(f"partnerbot: {error}")


if __name__ == "__main__":
    main()
