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

from bot import forms
from bot.buttons.experts import ReportAction, ReportButton, ReportsButton, Section
from bot.buttons.form import FormButton
from bot.contributions import Audience, Command, Contribution
from bot.expert_access import expert_of, experts_only
from bot.form_drafts import FormDrafts
from bot.forms import DraftStore, Form
from bot.i18n import N_, _, render, use_language
from bot.main_menu import main_menu_rows
from bot.messaging import acknowledge, close_buttons, reply
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
    DRAFTS.remember(context, None)
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


DRAFTS = FormDrafts(
    FORM,
    current=store.current_draft,
    start=store.start_draft,
    gone=N_("This button belongs to a report that was already submitted or discarded."),
)


async def report_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Continues the expert's open report, or starts a new one with the first question."""
    await acknowledge(update)
    await close_buttons(update)
    assert update.effective_user is not None
    expert = await expert_of(context, update.effective_user.id)
    assert expert is not None  # experts_only lets bound experts in only
    if await DRAFTS.continue_open(update, context):
        return
    intro = render("experts/report_intro")
    await DRAFTS.start(
        update, context, intro=intro, pause_others=False, deployment_id=expert.deployment_id
    )


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
        CommandHandler("report", experts_only(report_requested)),
        CallbackQueryHandler(
            experts_only(report_requested), pattern=ReportsButton.pattern(section=Section.GO)
        ),
        CallbackQueryHandler(
            DRAFTS.button_pressed, pattern=FormButton.of_form(FORM.prefix).pattern()
        ),
    ]
    return Contribution(
        handlers,
        open_forms=[DRAFTS.open_form(answered_by="experts", kind="report")],
        notices={store.NOTICE: _notice},
        preparers={store.NOTICE: _prepare_notice},
        questions={"report": QUESTIONS},
        commands=[
            Command(
                "report",
                COMMAND_DESCRIPTION,
                N_("an activity report, step by step (or simply send a message or photos)"),
                audience=Audience.EXPERTS,
            )
        ],
    )
