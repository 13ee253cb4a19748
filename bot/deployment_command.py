"""`partnerbot deployment add`: register a deployment from the command line, print the link."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from telegram import Bot

from bot import countries, i18n
from bot.answer_checks import check_text
from bot.config import Settings
from bot.form_kinds import parse_date, read_answer
from bot.invitation_links import invitation_link, new_code
from bot.questions import Kind
from conversations.experts.deployment import FORM as DEPLOYMENT_FORM
from storage.db import Database
from storage.deployments import ANSWER_KEYS, create_deployment
from storage.local_time import DEFAULT_ZONE, local
from storage.models import utcnow

MODELS = ("integrated", "development_worker", "local", "authority_staff")


def _date(text: str) -> date:
    parsed = parse_date(text)
    if parsed is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD or DD.MM.YYYY)")
    return parsed


def _country(text: str) -> str:
    if countries.is_country(text):
        return text.upper()
    found = countries.search(text, exclude=frozenset({"DE"}), fuzzy=False)
    if len(found) == 1:
        return found[0]
    found = found or countries.search(text, exclude=frozenset({"DE"}))
    hint = f" (did you mean {', '.join(found)}?)" if found else ""
    raise argparse.ArgumentTypeError(f"{text!r} is not a country code like GH{hint}")


def add_subcommand(commands: Any, handler: Callable[[argparse.Namespace], None]) -> None:
    """Add `deployment add` to the command line (commands: the root's subparsers)."""
    deployment = commands.add_parser("deployment", help="deployed experts")
    actions = deployment.add_subparsers(dest="deployment_command", required=True)
    add = actions.add_parser(
        "add", help="register a deployment and print the expert's invitation link"
    )
    add.add_argument("--name", required=True, help="the expert's full name")
    add.add_argument("--model", required=True, choices=MODELS, help="the expert model")
    add.add_argument("--partnership", required=True, help="both partners, e.g. 'Bonn – Cape Coast'")
    add.add_argument("--country", required=True, type=_country, help="ISO code or name, e.g. GH")
    add.add_argument("--city", required=True)
    add.add_argument("--start", required=True, type=_date, help="YYYY-MM-DD or DD.MM.YYYY")
    add.add_argument("--end", type=_date, help="default: two years after the start")
    add.add_argument("--interval", required=True, choices=("monthly", "quarterly"))
    add.add_argument("--eoi", help="reference of the expression of interest, e.g. EOI-2026-0001")
    add.add_argument(
        "--bot-username",
        help="the bot's @username for the link (default: asked from Telegram with the token)",
    )
    add.set_defaults(handler=handler)


def bot_username(settings: Settings) -> str:
    """The bot's username, asked from the Bot API (getMe) with the configured token."""
    if settings.telegram_bot_token is None:
        sys.exit(
            "partnerbot: the invitation link needs the bot's username — pass --bot-username, "
            "or set TELEGRAM_BOT_TOKEN so it can be asked from Telegram."
        )

    async def ask() -> str:
        assert settings.telegram_bot_token is not None
        bot = Bot(
            settings.telegram_bot_token.get_secret_value(), base_url=settings.telegram_api_url
        )
        async with bot:
            return bot.username

    return asyncio.run(ask())


# The command line's options for the deployment form's questions.
OPTIONS = {
    "expert_name": "--name",
    "partnership": "--partnership",
    "city": "--city",
    "start_date": "--start",
    "end_date": "--end",
    "country": "--country",
}


def problems(values: dict[str, Any], today: date) -> list[str]:
    """What the chat would refuse in these answers, as the chat says it (one line each): the
    command line and the chat check a deployment with the same questions."""
    i18n.load_all()
    found: list[str] = []
    answers: dict[str, Any] = {}
    with i18n.use_language("en"):
        for key, option in OPTIONS.items():
            question = DEPLOYMENT_FORM.question(key)
            value = values.get(key)
            assert question is not None
            if value is None:
                if not question.optional:
                    found.append(f"{option}: this answer is needed")
                continue
            if question.kind == Kind.COUNTRY:
                if value in question.exclude_countries:
                    found.append(f"{option}: {value} is not a partner country")
                continue
            text = value.isoformat() if isinstance(value, date) else str(value)
            problem = check_text(question, text)
            if problem is None:
                answer, problem = read_answer(question, text, answers, today)
                answers[key] = answer
            if problem:
                found.append(f"{option}: {problem}")
    return found


def run_add(args: argparse.Namespace, settings: Settings) -> None:
    """Register the deployment and print its invitation link (and its report due dates)."""
    values: dict[str, Any] = dict.fromkeys(ANSWER_KEYS)
    values.update(
        expert_name=args.name,
        expert_model=args.model,
        eoi_reference=args.eoi,
        partnership=args.partnership or None,
        country=args.country,
        city=args.city,
        start_date=args.start,
        end_date=args.end,
        interval=args.interval,
    )
    refused = problems(values, local(utcnow(), DEFAULT_ZONE).date())
    if refused:
        sys.exit("partnerbot: the deployment was not registered:\n  " + "\n  ".join(refused))
    username = args.bot_username or bot_username(settings)
    db = Database(settings.database_url)
    try:
        db.upgrade()
        code = new_code()
        outcome = db.call(
            create_deployment, values=values, code=code, created_by=None, now=utcnow()
        )
    finally:
        db.dispose()
    if outcome == "eoi_reference":
        sys.exit(f"partnerbot: no accepted expression of interest has the reference {args.eoi}.")
    if isinstance(outcome, str):
        sys.exit(f"partnerbot: the deployment was not registered ({outcome}).")
    print(
        f"deployment {outcome.id} registered: {outcome.expert_name}, {outcome.city} ({outcome.country})"
    )
    print(
        f"period {outcome.start_date} – {outcome.end_date}, {outcome.deadlines} progress reports due"
    )
    print("invitation link (single use, expires in 14 days):")
    print(invitation_link(username, code))
