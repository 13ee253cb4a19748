"""The deployed experts' corner of the menu, /cancel for their forms, and answers to those forms."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
)

from bot import form_answers
from bot.active_flow import is_active
from bot.callbacks import DeploymentsButton, Menu, MenuItem, ProgressButton, ReportsButton, Section
from bot.expert_access import expert_of
from bot.forms import Draft, Form
from bot.i18n import N_, _, render
from bot.messaging import acknowledge, close_buttons, reply
from bot.routing import PERSONS_MESSAGE
from bot.services import services
from conversations import deployment, menu, progress, report


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


async def _open_form(
    update: Update, context: ContextTypes.DEFAULT_TYPE
) -> tuple[Form, Draft] | None:
    """The person's unpaused deployment, activity or progress draft, if any."""
    user = update.effective_user
    assert user is not None
    candidates = [
        (report.FORM, report.current_draft),
        (progress.FORM, progress.current_draft),
    ]
    if services(context).is_coordinator(user.id):
        candidates.insert(0, (deployment.FORM, deployment.current_draft))
    for form, load in candidates:
        draft = await load(context, user.id)
        if draft is not None and not draft.paused:
            return form, draft
    return None


async def answer_received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Takes any message as the answer to an open report or deployment form; else passes it on."""
    if update.effective_user is None:
        return
    found = await _open_form(update, context)
    if found is None or not is_active(context, found[0].slot):
        return
    form, draft = found
    await form_answers.answer_typed(update, context, form, draft)
    raise ApplicationHandlerStop


def setup() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The menu entry and /cancel (registered before the menu's own /cancel)."""
    menu.register_entry(N_("🌍 Deployed experts"), Menu(MenuItem.EXPERTS).pack())
    return [
        CallbackQueryHandler(experts_requested, pattern=Menu.pattern(item=MenuItem.EXPERTS)),
    ]


def setup_answers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Free messages as answers to these forms (a group after the expression of interest's)."""
    return [
        MessageHandler(
            PERSONS_MESSAGE,
            answer_received,
        )
    ]
