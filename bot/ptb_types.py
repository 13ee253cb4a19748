"""python-telegram-bot's generic classes with the type arguments this bot uses them with."""

from __future__ import annotations

from typing import Any, TypeAlias

from telegram.ext import Application, BaseHandler, CallbackQueryHandler

# The bot builds its Application with the default context types (bot.app.build_application).
App: TypeAlias = Application[Any, Any, Any, Any, Any, Any]
Handler: TypeAlias = BaseHandler[Any, Any, Any]
ButtonHandler: TypeAlias = CallbackQueryHandler[Any, Any]
