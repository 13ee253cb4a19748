"""Sending to the person of this update: HTML messages, inline keyboards, closing old buttons."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextvars import ContextVar
from typing import cast

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.telegram_bot import Button, PartnerBot

logger = logging.getLogger(__name__)


# Telegram refuses messages longer than this (counted after HTML parsing, so HTML is never cut:
# a cut could end inside a tag or an entity; long answers are shortened before rendering).
MAX_MESSAGE = 4096

# The button press whose message should lose its buttons: done by the next edit of that message
# (no extra call), or before the next new message, or when the handler ends (flush_closing).
_closing: ContextVar[CallbackQuery | None] = ContextVar("closing", default=None)
# The button press this update has answered already (Telegram takes one answer per press), and
# one to answer plainly when the handler ends (see acknowledge).
_answered: ContextVar[str | None] = ContextVar("answered", default=None)
_unanswered: ContextVar[CallbackQuery | None] = ContextVar("unanswered", default=None)
LATEST = "latest_message_id"  # chat_data key: the newest message the bot sent in the chat


def as_typed(text: str | None) -> str | None:
    """What a person typed, as it can be stored: without NUL characters, which PostgreSQL
    refuses in text (SQLite would keep them), so both databases store the same."""
    return text.replace("\x00", "") if text else text


def keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    """An inline keyboard object from rows of (label, callback data); None when there are no
    buttons. (A conversation's own steps go through PartnerBot, which needs no objects.)"""
    built = [
        [InlineKeyboardButton(label, callback_data=data) for label, data in row]
        for row in rows
        if row
    ]
    return InlineKeyboardMarkup(built) if built else None


def in_columns(buttons: Sequence[Button], columns: int) -> list[list[Button]]:
    """Buttons laid out in rows of `columns`."""
    return [list(buttons[i : i + columns]) for i in range(0, len(buttons), columns)]


def partner_bot(bot: object) -> PartnerBot:
    """The application's bot, with the lean methods for conversation steps."""
    return cast(PartnerBot, bot)


async def reply(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    rows: Sequence[Sequence[Button]] = (),
) -> int:
    """Send an HTML message with optional buttons to the chat of this update; its id."""
    chat = update.effective_chat
    assert chat is not None
    await flush_closing()
    message_id = await partner_bot(context.bot).send_html(chat.id, text, rows)
    if context.chat_data is not None:
        context.chat_data[LATEST] = message_id
    return message_id


def pressed_on_latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether the pressed button sits on the newest message the bot sent in this chat."""
    query = update.callback_query
    if query is None or query.message is None or context.chat_data is None:
        return False
    return context.chat_data.get(LATEST) == query.message.message_id


async def acknowledge(update: Update, text: str | None = None, alert: bool = False) -> None:
    """Answer the button press, so the person's app stops waiting.

    Telegram takes one answer per press and refuses a second. An answer with a text (a note or
    an alert) goes out at once; a plain one waits until the handler ends (finish_update), so
    that a text the handler finds to say after all is not lost behind it."""
    query = update.callback_query
    if query is None or _answered.get() == query.id:
        return
    if text is None:
        _unanswered.set(query)
        return
    await _answer(query, text, alert)


async def _answer(query: CallbackQuery, text: str | None = None, alert: bool = False) -> None:
    _answered.set(query.id)
    _unanswered.set(None)
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as error:  # a query older than Telegram keeps
        logger.info("callback query not answered: %s", error)


def start_update() -> None:
    """Forget what an earlier update left behind (after an error it may not have been cleared)."""
    _closing.set(None)
    _answered.set(None)
    _unanswered.set(None)


async def close_buttons(update: Update) -> None:
    """The buttons of the pressed message are answered: they go with its next edit, before the
    next new message, or when the handler ends — whichever comes first."""
    query = update.callback_query
    if query is not None and query.message is not None:
        _closing.set(query)


async def finish_update() -> None:
    """When a handler ends: answer its press if only a plain answer was asked for, and remove
    the buttons marked by close_buttons."""
    unanswered = _unanswered.get()
    if unanswered is not None:
        await _answer(unanswered)
    await flush_closing()


async def flush_closing() -> None:
    """Remove the buttons marked by close_buttons, if no edit of that message took them yet."""
    query = _closing.get()
    if query is None:
        return
    _closing.set(None)
    message = query.message
    assert message is not None
    try:
        await partner_bot(query.get_bot()).remove_keyboard(message.chat.id, message.message_id)
    except BadRequest as error:  # already closed, or too old to edit
        logger.debug("buttons not removed: %s", error)


async def replace(update: Update, text: str, rows: Sequence[Sequence[Button]] = ()) -> bool:
    """Show new text and buttons in place of the pressed message; False if it can't be edited."""
    query = update.callback_query
    if query is None or query.message is None:
        return False
    if _closing.get() is query:  # this edit sets the message's buttons anew
        _closing.set(None)
    message = query.message
    try:
        await partner_bot(query.get_bot()).edit_html(
            message.chat.id, message.message_id, text, rows
        )
    except BadRequest as error:
        if "not modified" in str(error).lower():
            return True
        logger.info("message %s not edited: %s", message.message_id, error)
        return False
    return True
