"""The command menus Telegram shows: everyone's commands in every language (the fallback
language's also for everyone else), and the coordinators' longer menu in their chats only."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot import i18n
from bot.i18n import _, use_language
from bot.ptb_types import App
from bot.services import SERVICES_KEY
from conversations.advisor import models
from conversations.coordination import stats
from conversations.deadlines import overview as deadline_list
from conversations.deadlines import personal_settings
from conversations.experts import my_reports, progress, report
from conversations.privacy import erasure, my_data

logger = logging.getLogger(__name__)

COMMANDS = (
    ("start", i18n.N_("Start and main menu")),
    ("interest", i18n.N_("Submit an expression of interest")),
    ("mine", i18n.N_("My submissions")),
    ("report", report.COMMAND_DESCRIPTION),
    ("myreports", my_reports.COMMAND_DESCRIPTION),
    ("progress", progress.COMMAND_DESCRIPTION),
    ("models", models.COMMAND_DESCRIPTION),
    ("deadlines", deadline_list.COMMAND_DESCRIPTION),
    ("settings", personal_settings.COMMAND_DESCRIPTION),
    ("language", i18n.N_("Sprache / Language")),
    ("help", i18n.N_("Help")),
    ("privacy", i18n.N_("What is stored about me")),
    ("mydata", my_data.COMMAND_DESCRIPTION),
    ("deleteme", erasure.COMMAND_DESCRIPTION),
    ("cancel", i18n.N_("Pause the current form")),
)
# Coordinators also get their own commands, in a menu shown in their chats only (Telegram's
# chat scope), described as /help describes them.
COORDINATOR_COMMANDS = (
    ("submissions", i18n.N_("expressions of interest waiting for a decision")),
    ("reports", i18n.N_("activity reports waiting to be reviewed")),
    ("deploy", i18n.N_("register a deployment and get the expert's invitation link")),
    ("deployments", i18n.N_("the deployments, and new invitation links")),
    ("call", i18n.N_("open a call for expressions of interest")),
    ("deadline", i18n.N_("set a deadline for a person or a deployment")),
    ("overdue", i18n.N_("who is overdue with what")),
    ("stats", stats.COMMAND_DESCRIPTION),
    ("export", i18n.N_("everything submitted, as an Excel workbook")),
)


async def register_commands(application: App) -> None:
    """Registers the command menu in every language, the fallback's also for everyone else,
    and the coordinators' longer one in their chats; a failure is logged, not fatal."""
    coordinators = sorted(application.bot_data[SERVICES_KEY].settings.coordinators)
    for language in i18n.LANGUAGES:
        with use_language(language):
            commands = [BotCommand(name, _(description)) for name, description in COMMANDS]
            theirs = commands + [BotCommand(n, _(d)) for n, d in COORDINATOR_COMMANDS]
        try:
            await application.bot.set_my_commands(commands, language_code=language)
            if language == i18n.FALLBACK:
                await application.bot.set_my_commands(commands)
            for chat_id in coordinators:
                scope = BotCommandScopeChat(chat_id)
                await application.bot.set_my_commands(theirs, scope, language_code=language)
                if language == i18n.FALLBACK:
                    await application.bot.set_my_commands(theirs, scope)
        except TelegramError:
            logger.warning("could not register the %s command menu", language, exc_info=True)
