"""/deleteme: the right to erasure — a confirmation that says what happens, then the erasure."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot.buttons.privacy import ErasureButton, ErasureChoice
from bot.contributions import Command, Contribution
from bot.i18n import N_, _, render
from bot.main_menu import main_menu_rows
from bot.messaging import acknowledge, close_buttons, reply
from bot.ptb_types import Handler
from bot.services import services
from storage import erasure

logger = logging.getLogger(__name__)

COMMAND_DESCRIPTION = N_("Erase my data")


async def erasure_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Says exactly what an erasure does and asks to confirm it."""
    await acknowledge(update)
    rows = [
        [(_("✅ Erase my data"), ErasureButton(ErasureChoice.ERASE).pack())],
        [(_("Cancel"), ErasureButton(ErasureChoice.KEEP).pack())],
    ]
    await reply(update, context, render("privacy/erase_confirm"), rows)


async def erasure_confirmed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Erases the person (or leaves everything as it is) and says so; after an erasure the bot
    knows them no more."""
    choice = ErasureButton.of(update).choice
    await acknowledge(update)
    await close_buttons(update)
    if choice == ErasureChoice.KEEP:
        await reply(update, context, _("Nothing was erased."), main_menu_rows())
        return
    assert update.effective_user is not None and context.user_data is not None
    svc = services(context)
    done = await svc.db.run(
        erasure.erase_person,
        person_id=update.effective_user.id,
        requested_by="self",
        coordinators=svc.settings.coordinators_by_programme,
        now=svc.clock(),
    )
    logger.info("erasure %s done on the person's request", done.log_id if done else None)
    context.user_data.clear()  # nothing of the person stays in this process either
    await reply(update, context, render("privacy/erased"))


def setup() -> Contribution:
    """The /deleteme command and its two buttons."""
    handlers: list[Handler] = [
        CommandHandler("deleteme", erasure_requested),
        CallbackQueryHandler(erasure_confirmed, pattern=ErasureButton.pattern()),
    ]
    return Contribution(
        handlers,
        commands=[
            Command(
                "deleteme",
                COMMAND_DESCRIPTION,
                N_("have your data erased (you confirm first)"),
                about_the_bot=True,
            )
        ],
    )
