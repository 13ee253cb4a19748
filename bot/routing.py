"""One handler that finds the button handler for a callback query by its data's first field.

Every button's callback data starts with its flow's prefix (`f|…`, `rem|…`, `menu|…`). With one
CallbackQueryHandler per button kind, python-telegram-bot tries them one after another, a regular
expression each, for every update, typed messages included (about fifty per update). The router
looks up the handlers whose pattern starts with the data's prefix and tries only those, in their
original order, together with the few whose pattern has no literal prefix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, ContextTypes, filters

from bot.ptb_types import App, ButtonHandler

# A message a person sent in the private chat with the bot (not a service message such as a
# pinned message). Text is tested first: status updates never have any, and testing the forty
# kinds of status update costs more than the rest of the routing.
PERSONS_MESSAGE = (
    filters.UpdateType.MESSAGE
    & filters.ChatType.PRIVATE
    & (filters.TEXT | ~filters.StatusUpdate.ALL)
)

# A pattern like r"^rem\|a\|\d+$" starts with the literal prefix "rem".
_LITERAL_PREFIX = re.compile(r"^\^(\w+)\\\|")


def literal_prefix(handler: ButtonHandler) -> str | None:
    """The literal first field every match of the handler's pattern has, or None."""
    pattern = handler.pattern
    if not isinstance(pattern, re.Pattern):
        return None
    found = _LITERAL_PREFIX.match(pattern.pattern)
    return found.group(1) if found else None


class ButtonRouter(BaseHandler[Update, ContextTypes.DEFAULT_TYPE, Any]):
    """Acts for the first of its CallbackQueryHandlers (in the given order) that matches."""

    def __init__(self, handlers: Sequence[ButtonHandler]) -> None:
        super().__init__(self._never_called)
        self._handlers = list(handlers)
        prefixes = [literal_prefix(h) for h in self._handlers]
        self._anywhere = [h for h, p in zip(self._handlers, prefixes, strict=True) if p is None]
        self._by_prefix: dict[str, list[ButtonHandler]] = {}
        for prefix in {p for p in prefixes if p is not None}:
            self._by_prefix[prefix] = [
                h for h, p in zip(self._handlers, prefixes, strict=True) if p in (prefix, None)
            ]

    def check_update(self, update: object) -> Any:
        """(handler, its check result) for the first handler that takes this button press."""
        if not isinstance(update, Update) or update.callback_query is None:
            return None
        data = update.callback_query.data
        prefix = data.split("|", 1)[0] if isinstance(data, str) else ""
        for handler in self._by_prefix.get(prefix, self._anywhere):
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
        raise AssertionError("ButtonRouter hands updates to its handlers")
