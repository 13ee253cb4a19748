"""The deployed experts' corner of the menu, /cancel for their forms, and answers to those forms."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
)

from bot import form_answers
from bot.active_flow import is_active
from bot.buttons.experts import DeploymentsButton, ProgressButton, ReportsButton, Section
from bot.buttons.menu import Menu, MenuItem
from bot.contributions import Contribution
from bot.expert_access import expert_of
from bot.i18n import _, render
from bot.messaging import acknowledge, close_buttons, reply
from bot.open_forms import open_forms
from bot.ptb_types import Handler
from bot.routing import PERSONS_MESSAGE
from bot.services import services


async def experts_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offers what this person can do: coordinators register, experts report, others learn how."""
    await acknowledge(update)
    await close_buttons(update)
    user = update.effective_user
    assert user is not None
    rows: list[list[tuple[str, str]]] = []
    coordinator = services(context).is_coordinator(user.id)
    if coordinator:
        rows += [
            [(_("➕ Register a deployment"), DeploymentsButton(Section.GO).pack())],
            [(_("📋 Deployments"), DeploymentsButton(Section.LIST).pack())],
        ]
    expert = await expert_of(context, user.id)
    if expert is not None:
        rows += [
            [(_("📝 New activity report"), ReportsButton(Section.GO).pack())],
            [
                (_("🗂 My reports"), ReportsButton(Section.LIST).pack()),
                (_("📊 Progress report"), ProgressButton(Section.GO).pack()),
            ],
        ]
    rows.append([(_("🏠 Menu"), Menu(MenuItem.HOME).pack())])
    text = render("experts/hub", coordinator=coordinator, expert=expert is not None)
    await reply(update, context, text, rows)


async def answer_received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Takes any message as the answer to the open form of this group that asked the person
    last; else passes it on."""
    if update.effective_user is None:
        return
    # The unpaused draft of this group (a report, /deploy, /call, /deadline, …) that asked the
    # person last: several can be unpaused at once (Continue does not pause the others).
    found = await open_forms(update, context, answered_by="experts")
    active = [pair for pair in found if is_active(context, pair[0].slot)]
    if not active:
        return
    form, draft = active[0]
    await form_answers.answer_typed(update, context, form, draft)
    raise ApplicationHandlerStop


def setup() -> Contribution:
    """The menu entry and /cancel (registered before the menu's own /cancel)."""
    handlers: list[Handler] = [
        CallbackQueryHandler(experts_requested, pattern=Menu.pattern(item=MenuItem.EXPERTS)),
    ]
    return Contribution(handlers)


def setup_answers() -> list[Handler]:
    """Free messages as answers to these forms (a group after the expression of interest's)."""
    return [
        MessageHandler(
            PERSONS_MESSAGE,
            answer_received,
        )
    ]
