"""The last word: anything no conversation took gets a helpful answer, never silence."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.contributions import Contribution
from bot.i18n import _
from bot.main_menu import main_menu_rows
from bot.messaging import reply
from bot.open_forms import open_draft_rows, open_forms
from bot.ptb_types import Handler


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An unknown /command: points to /help."""
    assert update.effective_message is not None and update.effective_message.text is not None
    command = update.effective_message.text.split()[0]
    await reply(
        update,
        context,
        _("I don't know the command {command}. /help lists what I can do.").format(
            command=html.escape(command, quote=False)
        ),
        main_menu_rows(),
    )


async def message_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message: edits are not read, so ask for a new message."""
    await reply(
        update,
        context,
        _("I don't pick up edited messages. Please send the corrected text as a new message."),
    )


async def anything_else(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text, photos or stickers outside any conversation: offers the menu, and first the way
    back into a paused form (what was typed was not taken as an answer)."""
    drafts = await open_forms(update, context, paused_too=True)
    note, rows = await open_draft_rows(update, context, drafts)
    if drafts:
        text = _("I did not take that as an answer: no form is waiting for one right now.")
    else:
        text = _("I'm not sure what to do with that. Please choose from the menu:")
    await reply(update, context, f"{text}\n\n{note}" if note else text, rows + main_menu_rows())


def setup() -> Contribution:
    """Catch-alls, for the last group (a button press never gets here: the router in group 0
    answers every one, see bot.routing)."""
    private = filters.ChatType.PRIVATE
    handlers: list[Handler] = [
        MessageHandler(private & filters.UpdateType.EDITED, message_edited),
        MessageHandler(private & filters.COMMAND, unknown_command),
        MessageHandler(private & ~filters.StatusUpdate.ALL, anything_else),
    ]
    return Contribution(handlers)
