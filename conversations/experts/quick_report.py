"""Report by message: a bound expert's text, photo, document or album offered as a report."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import form_answers, form_kinds, forms
from bot.buttons.experts import QuickChoice, QuickReport, QuickReportList, ReportsButton, Section
from bot.contributions import Contribution
from bot.expert_access import expert_of
from bot.i18n import _, render
from bot.main_menu import main_menu_rows
from bot.messaging import acknowledge, as_typed, close_buttons, reply
from bot.open_forms import pause_other_forms
from bot.outbox import wake_dispatcher
from bot.ptb_types import Handler
from bot.services import services
from conversations.experts import report
from storage import report_offers as store


async def message_received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Keeps a bound expert's message and asks whether to file it; others pass on.

    Runs after the forms' answer handlers, so a message to an open form never gets here.
    The later photos of an album join the first one's offer without a second question.
    """
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    expert = await expert_of(context, user.id)
    if expert is None:
        return
    attachment, problem = form_kinds.attachment_of(message)
    if problem:
        await reply(update, context, html.escape(problem, quote=False))
        raise ApplicationHandlerStop
    text = as_typed(message.text or message.caption)
    if attachment is not None and attachment.get("caption"):
        attachment = {**attachment, "caption": None}  # the caption becomes the report's text
    svc = services(context)
    report_id, new = await svc.db.run(
        store.offer,
        person_id=user.id,
        deployment_id=expert.deployment_id,
        text=text,
        attachment=attachment,
        media_group_id=message.media_group_id,
        message_date=message.date,
        activity_date=message.date.astimezone(ZoneInfo(expert.zone)).date(),
        update_id=update.update_id,
        now=svc.clock(),
    )
    if new:
        await reply(update, context, render("experts/offer"), _offer_rows(report_id))
    raise ApplicationHandlerStop


def _offer_rows(report_id: int) -> list[list[tuple[str, str]]]:
    return [
        [
            (_("⚡ Quick report"), QuickReport(report_id, QuickChoice.QUICK).pack()),
            (_("📝 Add details"), QuickReport(report_id, QuickChoice.DETAILS).pack()),
        ],
        [(_("No"), QuickReport(report_id, QuickChoice.NO).pack())],
    ]


async def waiting_offers(
    update: Update, context: ContextTypes.DEFAULT_TYPE
) -> tuple[str, list[list[tuple[str, str]]]]:
    """For /start: a line and a button about messages still waiting to be filed (or nothing)."""
    user = update.effective_user
    if user is None or await expert_of(context, user.id) is None:
        return "", []
    _shown, total = await services(context).db.run(store.open_offers, person_id=user.id, limit=0)
    if not total:
        return "", []
    note = render("experts/offers_waiting", count=total)
    return note, [
        [(_("📎 Messages to file ({count})").format(count=total), QuickReportList().pack())]
    ]


async def offers_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Shows each message still on offer again, with its buttons (the oldest first)."""
    assert update.effective_user is not None
    await acknowledge(update)
    await close_buttons(update)
    shown, total = await services(context).db.run(
        store.open_offers, person_id=update.effective_user.id
    )
    if not shown:
        await reply(update, context, _("No message is waiting to be filed."), main_menu_rows())
        return
    for offer in shown:
        text = render(
            "experts/offer_again",
            title=offer.title,
            files=offer.attachments,
            date=offer.message_date,
        )
        await reply(update, context, text, _offer_rows(offer.id))
    if total > len(shown):
        more = _("{count} more are waiting; /start offers them again.")
        await reply(update, context, more.format(count=total - len(shown)))


async def offer_answered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Files the offered message at once, opens the guided report with it, or lets it be."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    if QuickReportList.unpack(query.data) is not None:
        await offers_requested(update, context)
        return
    pressed = QuickReport.of(update)
    report_id, choice = pressed.report_id, pressed.choice
    person_id = update.effective_user.id
    svc = services(context)
    gone = _("This message was already filed or set aside.")
    if choice == "n":
        dismissed = await svc.db.run(store.dismiss_offer, report_id=report_id, person_id=person_id)
        await acknowledge(update, None if dismissed else gone, alert=not dismissed)
        await close_buttons(update)
        if dismissed:
            await reply(update, context, _("All right, I have not filed it."))
        return
    if choice == "q":
        filed = await svc.db.run(
            store.file_quick,
            report_id=report_id,
            person_id=person_id,
            coordinators=svc.settings.coordinators_by_programme,
            now=svc.clock(),
        )
        await acknowledge(update, None if filed else gone, alert=filed is None)
        await close_buttons(update)
        if filed is not None:
            text = render("experts/report_submitted", reference=filed.reference, updated=False)
            await reply(
                update, context, text, [[(_("🗂 My reports"), ReportsButton(Section.LIST).pack())]]
            )
            wake_dispatcher(context)
        return
    open_draft = await report.DRAFTS.current(context, person_id)
    if open_draft is not None:
        await acknowledge(update)
        text = _("Please finish or discard the report you are writing first.")
        await reply(update, context, text, forms.resume_rows(report.FORM, open_draft))
        return
    draft = await svc.db.run(
        store.detail_offer,
        report_id=report_id,
        person_id=person_id,
        step=report.FORM.first_step(),
        now=svc.clock(),
    )
    await acknowledge(update, None if draft else gone, alert=draft is None)
    await close_buttons(update)
    if draft is None:
        await reply(update, context, gone, main_menu_rows())
        return
    report.DRAFTS.remember(context, draft)
    await pause_other_forms(update, context, keep=report.FORM.slot)
    await reply(update, context, render("experts/details_intro"))
    await form_answers.ask(update, context, report.FORM, draft)


def setup() -> Contribution:
    """The offer's buttons (group 0), and the note /start shows about messages still waiting."""
    handlers: list[Handler] = [
        CallbackQueryHandler(offer_answered, pattern=QuickReportList.pattern()),
        CallbackQueryHandler(offer_answered, pattern=QuickReport.pattern()),
    ]
    return Contribution(handlers, waiting=[waiting_offers])


def setup_messages() -> list[Handler]:
    """The free-message handler, for a group after the forms' answers and before the fallback."""
    return [
        MessageHandler(
            filters.ChatType.PRIVATE
            & filters.UpdateType.MESSAGE
            & ~filters.COMMAND
            & (filters.TEXT | filters.PHOTO | filters.Document.ALL),
            message_received,
        )
    ]
