"""Guided activity report (/report): what, when, who took part, cross-cutting themes, files.

A question's key is its answer column's name, defined once. Adding a question touches four
places: the column, declared with `answer(...)` in storage/experts_tables.py; its Alembic
migration in storage/migrations/versions/; its Question in QUESTIONS
(conversations/experts/report_questions.py); its texts in the catalogs (locales/update.py, then
the msgstrs). The draft store, the summary and the export follow from the column
(storage.answer_columns); tests/test_answer_columns.py checks the questions and the columns agree.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from bot import form_answers, form_buttons, forms
from bot.buttons.experts import ReportAction, ReportButton, ReportsButton, Section
from bot.buttons.form import FormAction, FormButton
from bot.contributions import Audience, Command, Contribution, OpenForm
from bot.expert_access import expert_or_explain
from bot.forms import AnyForm, Draft, DraftStore, Form
from bot.i18n import N_, _, render, use_language
from bot.main_menu import main_menu_rows
from bot.messaging import acknowledge, close_buttons, reply
from bot.open_forms import pause_other_forms
from bot.outbox import wake_dispatcher
from bot.ptb_types import App, Handler
from bot.services import services
from conversations.experts.report_questions import QUESTIONS
from storage import activity_reports as store
from storage.activity_reports import ReportDraft
from storage.outbox import Outgoing

COMMAND_DESCRIPTION = N_("Report an activity (deployed experts)")


async def report_submitted(
    update: Update, context: ContextTypes.DEFAULT_TYPE, draft: ReportDraft
) -> None:
    """Submits the report, gives its reference and wakes the notice dispatcher."""
    svc = services(context)
    filed = await svc.db.run(
        store.submit,
        draft_id=draft.id,
        applicable=[q.key for q in FORM.applicable(draft.answers)],
        coordinators=svc.settings.coordinators_by_programme,
        now=svc.clock(),
    )
    form_answers.remember(context, FORM, None)
    if filed is None:
        await reply(update, context, _("This report was already submitted."), main_menu_rows())
        return
    text = render("experts/report_submitted", reference=filed.reference, updated=filed.updated)
    await reply(
        update,
        context,
        text,
        [[(_("🗂 My reports"), ReportsButton(Section.LIST).pack())], *main_menu_rows()],
    )
    wake_dispatcher(context)


async def report_discarded(
    update: Update, context: ContextTypes.DEFAULT_TYPE, draft: ReportDraft
) -> None:
    """A new draft is gone; the edit of a submitted report is undone."""
    if draft.reference:
        await reply(
            update,
            context,
            _("Your changes were discarded; the report stays as you submitted it."),
            main_menu_rows(),
        )
        return
    await reply(update, context, _("Your draft report was discarded."), main_menu_rows())


FORM = Form(
    name="report",
    title=N_("Activity report"),
    questions=QUESTIONS,
    store=DraftStore(save=store.save_answer, move=store.move_draft, discard=store.discard_draft),
    on_submit=report_submitted,
    on_discarded=report_discarded,
    prefix="rep",
    slot="activity_report",
    zone_of=lambda draft: draft.zone,
    earliest=lambda draft: draft.started,
)


async def current_draft(context: ContextTypes.DEFAULT_TYPE, person_id: int) -> ReportDraft | None:
    """The expert's open report draft (cached in this process after the first look-up)."""
    svc = services(context)
    return await form_answers.cached_draft(
        context, FORM.slot, lambda: svc.db.run(store.current_draft, person_id=person_id)
    )


async def _open_draft(
    context: ContextTypes.DEFAULT_TYPE, person_id: int
) -> tuple[AnyForm, Draft] | None:
    """The person's draft of this form with the form, for the menu, /cancel and pausing."""
    draft = await current_draft(context, person_id)
    return None if draft is None else (FORM, draft)


async def report_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Continues the expert's open report, or starts a new one with the first question."""
    await acknowledge(update)
    await close_buttons(update)
    expert = await expert_or_explain(update, context)
    if expert is None:
        return
    assert update.effective_user is not None
    await pause_other_forms(update, context, keep=FORM.slot)
    draft = await current_draft(context, update.effective_user.id)
    if draft is not None:
        await form_buttons.button_pressed(update, context, FORM, draft, "", FormAction.CONTINUE, "")
        return
    svc = services(context)
    draft = await svc.db.run(
        store.start_draft,
        person_id=update.effective_user.id,
        deployment_id=expert.deployment_id,
        step=FORM.first_step(),
        now=svc.clock(),
    )
    form_answers.remember(context, FORM, draft)
    await reply(update, context, render("experts/report_intro"))
    await form_answers.ask(update, context, FORM, draft)


async def form_button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Hands a button of the expert's own draft to the form; any other gets a polite note."""
    assert update.effective_user is not None
    draft = await current_draft(context, update.effective_user.id)
    gone = _("This button belongs to a report that was already submitted or discarded.")
    await form_buttons.press_on_draft(update, context, draft, lambda _draft: FORM, gone)


def _notice(params: dict[str, Any]) -> str:
    """A coordinator's notice of a submitted report, with its summary, in their language."""
    return render(
        "experts/report_notice",
        reference=params["reference"],
        updated=params["updated"],
        quick=params["source"] == "quick",
        expert=params["expert"],
        partnership=params["partnership"],
        country=params["country"],
        city=params["city"],
        lines=forms.summary_lines(FORM, params["answers"]),
    )


async def _prepare_notice(
    application: App,
    message: Outgoing,
    language: str,
    worker: str,
) -> tuple[str, list[list[tuple[str, str]]]]:
    """The notice with its "Mark reviewed" button, in the coordinator's language."""
    with use_language(language):
        return _notice(message.params), [[review_button(message.params["report_id"])]]


def review_button(report_id: int) -> tuple[str, str]:
    """ "Mark reviewed" for a report, in the reader's language."""
    return (_("✅ Mark reviewed"), ReportButton(ReportAction.REVIEWED, report_id).pack())


def notice_text(params: dict[str, Any]) -> str:
    """A coordinator's notice of a report, in the reader's language (for /reports)."""
    return _notice(params)


def setup() -> Contribution:
    """The handlers of group 0 for the guided report."""
    handlers: list[Handler] = [
        CommandHandler("report", report_requested),
        CallbackQueryHandler(report_requested, pattern=ReportsButton.pattern(section=Section.GO)),
        CallbackQueryHandler(
            form_button_pressed, pattern=FormButton.of_form(FORM.prefix).pattern()
        ),
    ]
    return Contribution(
        handlers,
        open_forms=[OpenForm(FORM.slot, _open_draft, answered_by="experts", kind="report")],
        notices={store.NOTICE: _notice},
        preparers={store.NOTICE: _prepare_notice},
        questions={"report": QUESTIONS},
        commands=[
            Command(
                "report",
                COMMAND_DESCRIPTION,
                N_("an activity report, step by step (or simply send a message or photos)"),
                Audience.EXPERTS,
            )
        ],
    )
