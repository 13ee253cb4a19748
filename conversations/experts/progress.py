"""Periodic progress report (/progress): progress, challenges, next steps, support needed."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import forms
from bot.buttons.experts import ProgressButton, Section
from bot.buttons.form import FormButton
from bot.contributions import Audience, Command, Contribution
from bot.expert_access import expert_of, experts_only
from bot.form_drafts import FormDrafts
from bot.forms import Draft, DraftStore, Form
from bot.i18n import N_, _, format_day, render
from bot.main_menu import main_menu_rows
from bot.messaging import acknowledge, close_buttons, reply
from bot.outbox import wake_dispatcher
from bot.ptb_types import Handler
from bot.questions import Kind, Question
from bot.services import services
from storage import progress_reports as store
from storage.deadlines import DeadlineView

COMMAND_DESCRIPTION = N_("Periodic progress report (deployed experts)")

QUESTIONS = (
    Question(
        "progress",
        Kind.TEXT,
        N_("Progress towards the goals"),
        N_("What progress did you make towards the agreed goals in this period?"),
        N_("The waste collection plan was adopted by the council; two of three pilot areas run."),
        max_length=3000,
    ),
    Question(
        "challenges",
        Kind.TEXT,
        N_("Challenges"),
        N_("Which challenges did you meet, and how did you deal with them?"),
        N_(
            "Fuel shortages delayed collection; we agreed on a reserve with the finance department."
        ),
        max_length=3000,
    ),
    Question(
        "next_steps",
        Kind.TEXT,
        N_("Next steps"),
        N_("What are the next steps for the coming period?"),
        N_("Start the third pilot area and train four more supervisors."),
        max_length=3000,
    ),
    Question(
        "support_needed",
        Kind.TEXT,
        N_("Support needed"),
        N_("Do you need any support from the programme?"),
        N_("A contact in a German municipality with experience in composting."),
        max_length=2000,
        optional=True,
    ),
)


async def progress_submitted(
    update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft
) -> None:
    """Submits the progress report (its deadline is done with it) and gives the reference."""
    svc = services(context)
    filed = await svc.db.run(
        store.submit,
        draft_id=draft.id,
        coordinators=svc.settings.coordinators_by_programme,
        now=svc.clock(),
    )
    DRAFTS.remember(context, None)
    if filed is None:
        await reply(update, context, _("This progress report was already submitted."))
        return
    text = render("experts/progress_submitted", reference=filed.reference, period=filed.period)
    await reply(update, context, text, main_menu_rows())
    wake_dispatcher(context)


async def progress_discarded(
    update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft
) -> None:
    """Confirms the discarded draft; the report stays due."""
    await reply(
        update,
        context,
        _(
            "Your draft progress report was discarded. The report is still due; /progress starts it again."
        ),
        main_menu_rows(),
    )


FORM = Form(
    name="progress",
    title=N_("Progress report"),
    questions=QUESTIONS,
    store=DraftStore(save=store.save_answer, move=store.move_draft, discard=store.discard_draft),
    on_submit=progress_submitted,
    on_discarded=progress_discarded,
    prefix="prg",
    slot="progress_report",
)


DRAFTS = FormDrafts(
    FORM,
    current=store.current_draft,
    start=store.start_draft,
    gone=N_("This button belongs to a report that was already submitted or discarded."),
)


async def progress_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Continues the open progress report or starts the one due next."""
    await _open(update, context, None)


async def reminder_acted_on(
    update: Update, context: ContextTypes.DEFAULT_TYPE, deadline: DeadlineView
) -> None:
    """Opens the progress report a reminder's "Act now" button is about."""
    await _open(update, context, deadline.id)


@experts_only
async def _open(
    update: Update, context: ContextTypes.DEFAULT_TYPE, deadline_id: int | None
) -> None:
    await acknowledge(update)
    await close_buttons(update)
    assert update.effective_user is not None
    expert = await expert_of(context, update.effective_user.id)
    assert expert is not None  # experts_only lets bound experts in only
    if await DRAFTS.continue_open(update, context):
        return
    svc = services(context)
    due = await svc.db.run(
        store.next_due, person_id=update.effective_user.id, deadline_id=deadline_id
    )
    if due is None:
        await reply(
            update,
            context,
            _("No progress report is due for your deployment at the moment."),
            main_menu_rows(),
        )
        return
    due_text = format_day(due.due_at.astimezone(ZoneInfo(expert.zone)))
    intro = render("experts/progress_intro", period=due.period, due=due_text)
    await DRAFTS.start(update, context, intro=intro, pause_others=False, due=due)


def _notice(params: dict[str, Any]) -> str:
    """A coordinator's notice of a progress report, in their language."""
    return render(
        "experts/progress_notice",
        reference=params["reference"],
        period=params["period"],
        expert=params["expert"],
        partnership=params["partnership"],
        country=params["country"],
        lines=forms.summary_lines(FORM, params["answers"]),
    )


def setup() -> Contribution:
    """The handlers of group 0 for progress reports."""
    handlers: list[Handler] = [
        CommandHandler("progress", progress_requested),
        CallbackQueryHandler(
            progress_requested, pattern=ProgressButton.pattern(section=Section.GO)
        ),
        CallbackQueryHandler(
            DRAFTS.button_pressed, pattern=FormButton.of_form(FORM.prefix).pattern()
        ),
    ]
    return Contribution(
        handlers,
        open_forms=[DRAFTS.open_form(answered_by="experts", kind="progress")],
        notices={store.NOTICE: _notice},
        actions={"progress_report": reminder_acted_on},
        questions={"progress": QUESTIONS},
        commands=[
            Command(
                "progress",
                COMMAND_DESCRIPTION,
                N_("the periodic progress report that is due"),
                audience=Audience.EXPERTS,
            )
        ],
    )
