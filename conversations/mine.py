"""/mine: the person's expressions of interest with their status."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.i18n import N_, _, render
from bot.messaging import acknowledge, reply
from bot.services import services
from bot.vocabulary import PROGRAMMES, STATUSES
from conversations.menu import main_menu_rows, register_entry
from storage import interest as store


async def mine_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Lists the person's submissions (and an open draft) with their status."""
    await acknowledge(update)
    assert update.effective_user is not None
    svc = services(context)
    found = await svc.db.run(store.submissions_of, person_id=update.effective_user.id)
    items = [
        {
            "reference": s.reference,
            "programme": _(PROGRAMMES[s.programme]),
            "status": _(STATUSES.get(s.status, s.status)),
            "partner": s.partner_name,
            "country": s.partner_country,
            "submitted_at": s.submitted_at,
        }
        for s in found
    ]
    await reply(update, context, render("interest/mine", items=items), main_menu_rows())


def setup() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The /mine command and its menu entry."""
    register_entry(N_("📋 My submissions"), "menu|mine")
    return [
        CommandHandler("mine", mine_requested),
        CallbackQueryHandler(mine_requested, pattern=r"^menu\|mine$"),
    ]
