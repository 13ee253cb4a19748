"""The `partnerbot` command: run, shell, db upgrade."""

from __future__ import annotations

import argparse
import asyncio
import locale
import logging
import os
import sys

from pydantic import ValidationError

from bot.config import Settings


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        lines = [
            f"  {'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in error.errors()
        ]
        sys.exit("partnerbot: the configuration is not valid:\n" + "\n".join(lines))


def _run(args: argparse.Namespace) -> None:
    from bot.app import build_application
    from bot.i18n import CatalogError
    from bot.lock import AlreadyRunning, InstanceLock
    from storage.db import Database

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
        if args.webhook:
            assert settings.webhook_url and settings.webhook_secret
            application.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=_url_path(settings.webhook_url),
                webhook_url=settings.webhook_url,
                secret_token=settings.webhook_secret.get_secret_value(),
                allowed_updates=["message", "edited_message", "callback_query"],
            )
        else:
            application.run_polling(allowed_updates=["message", "edited_message", "callback_query"])
    finally:
        lock.release()
        db.dispose()


def _url_path(url: str) -> str:
    from urllib.parse import urlparse

    return urlparse(url).path.lstrip("/")


def _shell(args: argparse.Namespace) -> None:
    from bot.shell import chat

    settings = _settings()
    language = args.language or (
        "de" if (locale.getlocale()[0] or os.environ.get("LANG", "")).startswith("de") else "en"
    )
    asyncio.run(chat(settings, user_id=args.user, name=args.name, language=language))


def _db(args: argparse.Namespace) -> None:
    from storage.db import Database

    db = Database(_settings().database_url)
    db.upgrade()
    print("database schema is up to date")


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
    shell.add_argument("--language", choices=["de", "en"], help="your Telegram language")
    shell.set_defaults(handler=_shell)
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply all migrations").set_defaults(handler=_db)
    return root


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `partnerbot` console script."""
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    args = parser().parse_args(argv)
    args.handler(args)


if __name__ == "__main__":
    main()
