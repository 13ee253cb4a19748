"""/mine: the person's expressions of interest with their status."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import forms
from bot.buttons.menu import Menu, MenuItem
from bot.contributions import Command, Contribution
from bot.i18n import N_, _, render
from bot.main_menu import main_menu_rows
from bot.messaging import acknowledge, reply
from bot.ptb_types import Handler
from bot.services import services
from bot.vocabulary import PROGRAMMES, STATUSES
from conversations.partners import interest_form, revision, whole
from storage import submissions


async def mine_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Lists the person's submissions (and an open draft) with their status."""
    await acknowledge(update)
    assert update.effective_user is not None
    svc = services(context)
    found = await svc.db.run(submissions.submissions_of, person_id=update.effective_user.id)
    items = [
        {
            "reference": s.reference,
            "programme": _(PROGRAMMES[s.programme]),
            "status": _(STATUSES.get(_shown_status(s), s.status)),
            "partner": s.partner_name,
            "country": s.partner_country,
            "submitted_at": s.submitted_at,
        }
        for s in found
    ]
    reading = [
        [whole.read_button(s.id, _("📖 {reference}").format(reference=s.reference))]
        for s in found
        if s.reference
    ]
    draft = await interest_form.current_draft(context, update.effective_user.id)
    going_on = []
    if draft is not None and draft.reference is None:  # a new draft: where it stands
        going_on = forms.resume_rows(interest_form.FORMS[draft.form], draft)
    rows = [*going_on, *revision.mine_rows(found), *reading, *main_menu_rows()]
    await reply(update, context, render("interest/mine", items=items), rows)


def _shown_status(item: submissions.SubmissionView) -> str:
    """Its status; a returned submission that the person is revising shows as such."""
    return "revising" if item.status == "draft" and item.reference else item.status


def setup() -> Contribution:
    """The /mine command and its menu entry."""
    handlers: list[Handler] = [
        CommandHandler("mine", mine_requested),
        CallbackQueryHandler(mine_requested, pattern=Menu.pattern(item=MenuItem.MINE)),
    ]
    return Contribution(
        handlers,
        commands=[Command("mine", N_("My submissions"), N_("your submissions and their status"))],
    )
