"""/myreports: an expert's reports, editing one before review; a coordinator marks it reviewed."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import form_answers, forms
from bot.albums import file_name, send_albums
from bot.buttons.experts import ReportAction, ReportButton, ReportsButton, Section
from bot.contributions import Audience, Command, Contribution
from bot.expert_access import experts_only
from bot.i18n import N_, _, ngettext, render
from bot.main_menu import main_menu_rows
from bot.messaging import acknowledge, close_buttons, reply
from bot.open_forms import pause_other_forms
from bot.outbox import pacer_of
from bot.ptb_types import Handler
from bot.roles import coordinators_only, my_programmes, of_my_programmes
from bot.services import services
from conversations.experts import report
from storage import programmes
from storage import submitted_reports as store
from storage.experts_tables import ActivityReport, ReportStatus

COMMAND_DESCRIPTION = N_("My activity reports")
# In chat_data: the buttons whose report's files went out ("message id:report id").
ALBUMS_SENT, ALBUMS_REMEMBERED = "albums_sent", 200


async def reports_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Lists the expert's own reports with an edit button for those not yet reviewed."""
    await acknowledge(update)
    assert update.effective_user is not None
    found = await services(context).db.run(store.reports_of, person_id=update.effective_user.id)
    rows = [
        [
            (
                _("✏️ Edit {reference}").format(reference=r.reference),
                ReportButton(ReportAction.EDIT, r.id).pack(),
            )
        ]
        for r in found
        if r.status == ReportStatus.SUBMITTED and r.reference
    ]
    rows.append([(_("📝 New activity report"), ReportsButton(Section.GO).pack())])
    rows += main_menu_rows()
    await reply(update, context, render("experts/my_reports", reports=found), rows)


async def edit_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reopens one of the expert's own reports at its summary, unless it was reviewed."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    await acknowledge(update)
    report_id = ReportButton.of(update).report_id
    svc = services(context)
    outcome = await svc.db.run(
        store.start_edit,
        report_id=report_id,
        person_id=update.effective_user.id,
        now=svc.clock(),
    )
    if outcome == "reviewed":
        await reply(update, context, render("experts/already_reviewed"), main_menu_rows())
        return
    if outcome == "not_found":
        await reply(update, context, _("There is no such report among yours."), main_menu_rows())
        return
    if outcome == "other_draft":
        draft = await report.DRAFTS.current(context, update.effective_user.id)
        text = _("Please finish or discard the report you are writing first.")
        await reply(update, context, text, forms.resume_rows(report.FORM, draft) if draft else [])
        return
    assert not isinstance(outcome, str)
    await close_buttons(update)
    report.DRAFTS.remember(context, outcome)
    await pause_other_forms(update, context, keep=report.FORM.slot)
    await form_answers.ask(update, context, report.FORM, outcome)


async def _programme(context: ContextTypes.DEFAULT_TYPE, report_id: int) -> str | None:
    """An activity report's programme (None if there is no such report)."""
    return await services(context).db.run(
        programmes.report_programme, table=ActivityReport, report_id=report_id
    )


async def review_marked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A coordinator marks a report as reviewed; from then on the expert cannot change it."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    report_id = ReportButton.of(update).report_id
    svc = services(context)
    if not await of_my_programmes(update, context, await _programme(context, report_id)):
        return
    outcome, expert_id = await svc.db.run(
        store.mark_reviewed,
        report_id=report_id,
        coordinator_id=update.effective_user.id,
        now=svc.clock(),
    )
    if outcome == "reviewed_as_submitted" and expert_id is not None:
        # The expert's cached edit is gone from the database: their next step reloads it.
        context.application.user_data.get(expert_id, {}).pop(report.FORM.slot, None)
    answers = {
        "reviewed": _("Marked as reviewed."),
        "reviewed_as_submitted": _(
            "Marked as reviewed, as it was submitted: the changes the expert had begun and not sent were dropped."
        ),
        "already": _("This report was already marked as reviewed."),
        "not_found": _("This report no longer exists."),
    }
    await acknowledge(update, answers[outcome], alert=outcome != "reviewed")
    await close_buttons(update)


async def review_list_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Coordinators: the submitted reports not yet reviewed, each with a button to open it (the
    way to review for those who get a daily digest instead of single notices)."""
    mine = my_programmes(update, context)
    items, total = await services(context).db.run(store.reports_to_review, programmes=mine)
    rows = [
        [(f"📄 {item.reference}", ReportButton(ReportAction.OPEN, item.id).pack())]
        for item in items
    ]
    rows += main_menu_rows()
    await reply(
        update, context, render("experts/reports_to_review", items=items, total=total), rows
    )


async def report_opened(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Shows one report as its notice, with "Mark reviewed" (coordinators only), and its photos
    and documents as albums, once per button: a second tap does not send them again."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_chat is not None
    report_id = ReportButton.of(update).report_id
    first_tap = _first_tap(context, query.message.message_id if query.message else 0, report_id)
    if not await of_my_programmes(update, context, await _programme(context, report_id)):
        return
    params = await services(context).db.run(store.notice_of, report_id=report_id)
    if params is None:
        await acknowledge(update)
        await reply(update, context, _("This report no longer exists."), main_menu_rows())
        return
    files = params["answers"].get("attachments") or []
    reference = params["reference"]
    if files and not first_tap:
        note = _("The photos and documents of {reference} were sent above.")
        await acknowledge(update, note.format(reference=reference))
    await acknowledge(update)
    text = report.notice_text(params)
    await reply(update, context, text, [[report.review_button(params["report_id"])]])
    if not files or not first_tap:
        return
    chat_id = update.effective_chat.id
    sent = await send_albums(context.bot, pacer_of(context.application), chat_id, files, reference)
    if sent.unconfirmed:
        names = ", ".join(file_name(a) for a in sent.unconfirmed)
        unsure = ngettext(
            "{count} file of {reference} may not have arrived: Telegram did not confirm it in time ({names}). If it is missing above, please open the report again later from /reports.",
            "{count} files of {reference} may not have arrived: Telegram did not confirm them in time ({names}). If they are missing above, please open the report again later from /reports.",
            len(sent.unconfirmed),
        )
        text = unsure.format(count=len(sent.unconfirmed), reference=reference, names=names)
        await reply(update, context, escape(text), main_menu_rows())
    missing = sent.missing
    if missing:
        names = ", ".join(file_name(a) for a in missing)
        sorry = ngettext(
            "Sorry, {count} file of {reference} could not be sent: {names}. Telegram may no longer keep it, or it was busy: please open the report again later from /reports.",
            "Sorry, {count} files of {reference} could not be sent: {names}. Telegram may no longer keep them, or it was busy: please open the report again later from /reports.",
            len(missing),
        )
        text = sorry.format(count=len(missing), reference=reference, names=names)
        await reply(update, context, escape(text), main_menu_rows())


def _first_tap(context: ContextTypes.DEFAULT_TYPE, message_id: int, report_id: int) -> bool:
    """Whether this button (of this message, for this report) was not tapped before; marks it
    tapped. Checked before anything is awaited, so a double tap cannot pass twice."""
    if context.chat_data is None:
        return True
    tapped: dict[str, bool] = context.chat_data.setdefault(ALBUMS_SENT, {})
    key = f"{message_id}:{report_id}"
    if key in tapped:
        return False
    tapped[key] = True
    while len(tapped) > ALBUMS_REMEMBERED:  # the oldest go first (dicts keep their order)
        del tapped[next(iter(tapped))]
    return True


def setup() -> Contribution:
    """The handlers of group 0 for /myreports and reviewing."""
    handlers: list[Handler] = [
        CommandHandler("myreports", experts_only(reports_requested)),
        CommandHandler("reports", coordinators_only(review_list_requested)),
        CallbackQueryHandler(
            coordinators_only(report_opened), pattern=ReportButton.pattern(action=ReportAction.OPEN)
        ),
        CallbackQueryHandler(
            experts_only(reports_requested), pattern=ReportsButton.pattern(section=Section.LIST)
        ),
        CallbackQueryHandler(
            experts_only(edit_requested), pattern=ReportButton.pattern(action=ReportAction.EDIT)
        ),
        CallbackQueryHandler(
            coordinators_only(review_marked),
            pattern=ReportButton.pattern(action=ReportAction.REVIEWED),
        ),
    ]
    return Contribution(
        handlers,
        commands=[
            Command(
                "myreports",
                COMMAND_DESCRIPTION,
                N_("your reports; change one until a coordinator has reviewed it"),
                audience=Audience.EXPERTS,
            ),
            Command(
                "reports",
                N_("activity reports waiting to be reviewed"),
                audience=Audience.COORDINATORS,
            ),
        ],
    )
