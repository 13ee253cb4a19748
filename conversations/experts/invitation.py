"""An expert opens their invitation link (/start <code>), sees the deployment and confirms."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.buttons.experts import (
    InvitationAnswer,
    InvitationPressed,
    ProgressButton,
    ReportsButton,
    Section,
)
from bot.contributions import Contribution
from bot.expert_access import forget_expert
from bot.i18n import _, render
from bot.main_menu import main_menu_rows
from bot.messaging import acknowledge, close_buttons, reply
from bot.ptb_types import Handler
from bot.services import services
from conversations.experts.deployment import describe
from storage import invitations as store


async def link_opened(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Shows whom the deployment is with and asks to confirm; a bad code gets one neutral answer."""
    user = update.effective_user
    assert user is not None
    code = (context.args or [""])[0][:64]
    svc = services(context)
    check = await svc.db.run(store.open_invitation, code=code, person_id=user.id, now=svc.clock())
    if check.outcome in ("invalid", "locked"):
        text = render(
            "experts/invalid_link",
            later=check.outcome == "locked",
            minutes=int(store.LOCK_TIME.total_seconds() // 60),
        )
        await reply(update, context, text, main_menu_rows())
        return
    assert check.deployment is not None and check.invitation_id is not None
    if check.outcome == "already_yours":
        text = render("experts/already_bound", **describe(check.deployment))
        await reply(update, context, text, _expert_rows())
        return
    rows = [
        [
            (
                _("✅ Yes, that's me"),
                InvitationPressed(check.invitation_id, InvitationAnswer.YES).pack(),
            ),
            (_("✖️ No"), InvitationPressed(check.invitation_id, InvitationAnswer.NO).pack()),
        ]
    ]
    await reply(update, context, render("experts/invitation", **describe(check.deployment)), rows)


async def invitation_answered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Binds the person to the deployment, or leaves everything as it was."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    await acknowledge(update)
    await close_buttons(update)
    answer = InvitationPressed.of(update)
    if answer.answer == InvitationAnswer.NO:
        await reply(update, context, render("experts/invitation_declined"), main_menu_rows())
        return
    svc = services(context)
    bound = await svc.db.run(
        store.accept_invitation,
        invitation_id=answer.invitation_id,
        person_id=update.effective_user.id,
        now=svc.clock(),
    )
    if bound is None:
        await reply(
            update,
            context,
            render("experts/invalid_link", later=False, minutes=0),
            main_menu_rows(),
        )
        return
    forget_expert(context)
    await reply(update, context, render("experts/bound", **describe(bound)), _expert_rows())


def _expert_rows() -> list[list[tuple[str, str]]]:
    return [
        [(_("📝 New activity report"), ReportsButton(Section.GO).pack())],
        [
            (_("🗂 My reports"), ReportsButton(Section.LIST).pack()),
            (_("📊 Progress report"), ProgressButton(Section.GO).pack()),
        ],
    ]


def setup() -> Contribution:
    """The deep-link /start (before the menu's plain /start) and the confirmation buttons."""
    handlers: list[Handler] = [
        CommandHandler("start", link_opened, filters=filters.Regex(r"^/start\s+\S+")),
        CallbackQueryHandler(invitation_answered, pattern=InvitationPressed.pattern()),
    ]
    return Contribution(handlers)
