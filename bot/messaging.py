"""Sending to the person of this update: HTML messages, inline keyboards, closing old buttons."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

logger = logging.getLogger(__name__)

Button = tuple[str, str]  # (label, callback data)

# Telegram refuses messages longer than this.
MAX_MESSAGE = 4096


def keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    """An inline keyboard from rows of (label, callback data); None when there are no buttons."""
    built = [
        [InlineKeyboardButton(label, callback_data=data) for label, data in row]
        for row in rows
        if row
    ]
    return InlineKeyboardMarkup(built) if built else None


def in_columns(buttons: Sequence[Button], columns: int) -> list[list[Button]]:
    """Buttons laid out in rows of `columns`."""
    return [list(buttons[i : i + columns]) for i in range(0, len(buttons), columns)]


async def reply(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    rows: Sequence[Sequence[Button]] = (),
) -> Message:
    """Send an HTML message with optional buttons to the chat of this update."""
    chat = update.effective_chat
    assert chat is not None
    return await context.bot.send_message(
        chat.id,
        text[:MAX_MESSAGE],
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(rows),
        disable_web_page_preview=True,
    )


async def acknowledge(update: Update, text: str | None = None, alert: bool = False) -> None:
    """Answer the button press, so the person's app stops waiting."""
    if update.callback_query is not None:
        try:
            await update.callback_query.answer(text, show_alert=alert)
        except BadRequest as error:  # a query older than Telegram keeps
            logger.info("callback query not answered: %s", error)


async def close_buttons(update: Update) -> None:
    """Remove the buttons of the message whose button was pressed (it is answered now)."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except BadRequest as error:  # already closed, or too old to edit
        logger.debug("buttons not removed: %s", error)


async def replace(
    update: Update, text: str, rows: Sequence[Sequence[Button]] = ()
) -> Message | bool | None:
    """Show new text and buttons in place of the message whose button was pressed."""
    query = update.callback_query
    if query is None:
        return None
    try:
        return await query.edit_message_text(
            text[:MAX_MESSAGE],
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(rows),
            disable_web_page_preview=True,
        )
    except BadRequest as error:
        if "not modified" in str(error).lower():
            return None
        raise
