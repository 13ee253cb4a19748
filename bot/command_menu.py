"""The command menus Telegram shows: everyone's commands in every language (the fallback
language's also for everyone else), and each coordinator's longer menu in their chat only, with
the commands of the programmes they coordinate. The commands are those the conversations
contribute (`Contribution.commands`), in the order `Contributions.commands_for` gives them."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot import i18n
from bot.contributions import Command
from bot.i18n import _, use_language
from bot.ptb_types import App
from bot.services import SERVICES_KEY

logger = logging.getLogger(__name__)


def _menu(commands: list[Command]) -> list[BotCommand]:
    return [BotCommand(c.name, _(c.menu)) for c in commands]


async def register_commands(application: App) -> None:
    """Registers the command menu in every language, the fallback's also for everyone else,
    and the coordinators' longer one in their chats; a failure is logged, not fatal."""
    svc = application.bot_data[SERVICES_KEY]
    everyone = svc.contributions.commands_for(coordinator=False, programmes=frozenset())
    coordinators = {
        chat_id: svc.contributions.commands_for(
            coordinator=True, programmes=svc.settings.programmes_of(chat_id)
        )
        for chat_id in sorted(svc.settings.coordinators)
    }
    for language in i18n.LANGUAGES:
        with use_language(language):
            commands = _menu(everyone)
            theirs = {chat_id: _menu(shown) for chat_id, shown in coordinators.items()}
        try:
            await application.bot.set_my_commands(commands, language_code=language)
            if language == i18n.FALLBACK:
                await application.bot.set_my_commands(commands)
            for chat_id, menu in theirs.items():
                scope = BotCommandScopeChat(chat_id)
                await application.bot.set_my_commands(menu, scope, language_code=language)
                if language == i18n.FALLBACK:
                    await application.bot.set_my_commands(menu, scope)
        except TelegramError:
            logger.warning("could not register the %s command menu", language, exc_info=True)
