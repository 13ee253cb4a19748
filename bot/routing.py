"""One handler that finds the button handler for a callback query by its data's prefix, and
refuses, in one place and with one polite answer, every press no button of the bot carries.

Every button's callback data starts with its kind's prefix (`f|…`, `rem|…`, `menu|…`, see
bot.callbacks). With one CallbackQueryHandler per button kind, python-telegram-bot tries them one
after another for every update, typed messages included (about fifty per update). The router
looks up the handlers whose pattern (a `ButtonPattern` of the codec) has the data's prefix and
tries only those, in their original order, together with the few that have no such pattern.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, CommandHandler, ContextTypes, filters

from bot.callbacks import SEPARATOR, ButtonPattern, ForgedButton, OlderButton
from bot.i18n import N_, _
from bot.messaging import acknowledge, flush_closing
from bot.ptb_types import App, ButtonHandler

logger = logging.getLogger(__name__)

# A message a person sent in the private chat with the bot (not a service message such as a
# pinned message). Text is tested first: status updates never have any, and testing the forty
# kinds of status update costs more than the rest of the routing.
PERSONS_MESSAGE = (
    filters.UpdateType.MESSAGE
    & filters.ChatType.PRIVATE
    & (filters.TEXT | ~filters.StatusUpdate.ALL)
)

# What a press gets that no button of the bot carries, or that points at what is not the
# presser's: one answer, whatever was wrong with it.
NOT_VALID = N_("This button no longer works. Please use the newest message or /start.")

REFUSE = object()  # check result: a press to refuse


def button_prefix(handler: ButtonHandler) -> str | None:
    """The prefix of the button kind the handler takes, or None."""
    pattern = handler.pattern
    return pattern.prefix if isinstance(pattern, ButtonPattern | OlderButton) else None


async def refuse_press(update: Update, reason: str) -> None:
    """The one polite answer to a forged, malformed or foreign press (logged, not an error)."""
    query = update.callback_query
    logger.info(
        "refused a press of %s: %s",
        update.effective_user.id if update.effective_user else None,
        reason,
    )
    if query is not None:
        await acknowledge(update, _(NOT_VALID), alert=True)


class ButtonRouter(BaseHandler[Update, ContextTypes.DEFAULT_TYPE, Any]):
    """Acts for the first of its CallbackQueryHandlers (in the given order) that matches."""

    def __init__(self, handlers: Sequence[ButtonHandler]) -> None:
        super().__init__(self._never_called)
        self._buttons = list(handlers)
        prefixes = [button_prefix(h) for h in self._buttons]
        self._anywhere = [h for h, p in zip(self._buttons, prefixes, strict=True) if p is None]
        self._by_prefix: dict[str, list[ButtonHandler]] = {}
        for prefix in {p for p in prefixes if p is not None}:
            self._by_prefix[prefix] = [
                h for h, p in zip(self._buttons, prefixes, strict=True) if p in (prefix, None)
            ]

    def check_update(self, update: object) -> Any:
        """(handler, its check result) for the first handler that takes this button press;
        a press none takes, or one without its message, is to be refused."""
        if not isinstance(update, Update) or update.callback_query is None:
            return None
        query = update.callback_query
        if query.message is None or not isinstance(query.data, str):
            return REFUSE
        prefix = query.data.partition(SEPARATOR)[0]
        for handler in self._by_prefix.get(prefix, self._anywhere):
            check = handler.check_update(update)
            if check is not None and check is not False:
                return handler, check
        return REFUSE

    async def handle_update(
        self,
        update: Update,
        application: App,
        check_result: Any,
        context: ContextTypes.DEFAULT_TYPE,
    ) -> Any:
        if check_result is REFUSE:
            query = update.callback_query
            await refuse_press(update, f"no button carries {query.data if query else None!r}")
            raise ApplicationHandlerStop
        handler, check = check_result
        try:
            return await handler.handle_update(update, application, check, context)
        except ForgedButton as forged:
            await refuse_press(update, str(forged))
            await flush_closing()
            raise ApplicationHandlerStop from None

    @staticmethod
    async def _never_called(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        raise AssertionError("ButtonRouter hands updates to its handlers")


class CommandRouter(BaseHandler[Update, ContextTypes.DEFAULT_TYPE, Any]):
    """Acts for the first of its CommandHandlers (in the given order) that takes the update.

    Only a message that starts with "/" is tried against them: for every other update (typed
    answers, presses) the two dozen command checks are skipped in one test.
    """

    def __init__(self, handlers: Sequence[CommandHandler[Any, Any]]) -> None:
        super().__init__(self._never_called)
        self._commands = list(handlers)

    def check_update(self, update: object) -> Any:
        """(handler, its check result) for the first handler that takes this command."""
        if not isinstance(update, Update):
            return None
        message = update.message or update.edited_message
        if message is None or not (message.text or "").startswith("/"):
            return None
        for handler in self._commands:
            check = handler.check_update(update)
            if check is not None and check is not False:
                return handler, check
        return None

    async def handle_update(
        self,
        update: Update,
        application: App,
        check_result: Any,
        context: ContextTypes.DEFAULT_TYPE,
    ) -> Any:
        handler, check = check_result
        return await handler.handle_update(update, application, check, context)

    @staticmethod
    async def _never_called(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        raise AssertionError("CommandRouter hands updates to its handlers")
