"""The expert models: /models compares them, the advisor asks five questions and recommends one.

The advisor is a form (bot.forms) whose answers are saved as they are given, in its own table;
its questions are conversations.advisor.advisor_questions. Started with "🧭 Help me choose"
inside a Fachkräftefonds expression of interest, it pauses the expression of interest;
conversations.advisor.advisor_result shows the recommendation and puts the model the person
takes back into the form.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
)

from bot import advisor, form_answers, form_buttons, model_profiles
from bot.active_flow import is_active
from bot.advisor import MODEL_LABELS
from bot.buttons.advisor import AdvisorAction, AdvisorButton
from bot.buttons.form import FormAction, FormButton
from bot.buttons.menu import Menu, MenuItem
from bot.contributions import Command, Contribution, OpenForm
from bot.forms import SUMMARY, AnyForm, Draft, DraftStore, Form, position
from bot.i18n import N_, _, render
from bot.messaging import Button, acknowledge, close_buttons, reply
from bot.ptb_types import Handler
from bot.questions import Question
from bot.routing import PERSONS_MESSAGE
from bot.services import services
from bot.vocabulary import ADVISOR_HELPER
from conversations.advisor import advisor_result
from conversations.advisor.advisor_questions import QUESTIONS
from storage import advisor as store
from storage import interest as interest_store

COMMAND_DESCRIPTION = N_("Compare the expert models and find the right one")


async def _first_back(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    """Back on the advisor's first question leaves the advisor: to the form that asked for it,
    or to the models overview. A run with answers waits, paused; an empty one is dropped."""
    assert update.effective_user is not None
    svc = services(context)
    found = await svc.db.run(
        store.result_of, advisor_id=draft.id, person_id=update.effective_user.id
    )
    answered = any(
        v not in (None, "", []) for k, v in draft.answers.items() if k != advisor.COUNTRY
    )
    if answered:
        await form_buttons.hold(context, ADVISOR, draft)
    else:
        await svc.db.run(store.discard_session, draft_id=draft.id)
        form_answers.remember(context, ADVISOR, None)
    eoi = (await advisor_result.expression_of_interest(context, update.effective_user.id))[1]
    if found is not None and eoi is not None and found.eoi_id == eoi.id:
        await advisor_result.back_to_form(update, context, eoi.id)
    else:
        await close_buttons(update)
        await show_models(update, context)


ADVISOR: Form[Draft] = Form(
    name=store.FORM,
    title=N_("Expert-model advisor"),
    questions=QUESTIONS,
    store=DraftStore(
        save=store.save_answers, move=store.move_session, discard=store.discard_session
    ),
    on_submit=advisor_result.advice_requested,
    on_discarded=advisor_result.advisor_discarded,
    on_first_back=_first_back,
    prefix="adv",
    slot=advisor_result.SLOT,
    submit_label=N_("🧭 Show the recommendation"),
)


async def current_session(context: ContextTypes.DEFAULT_TYPE, person_id: int) -> Draft | None:
    """The person's open advisor run (cached in this process after the first look-up)."""
    svc = services(context)
    return await form_answers.cached_draft(
        context, ADVISOR.slot, lambda: svc.db.run(store.current_session, person_id=person_id)
    )


async def _open_session(
    context: ContextTypes.DEFAULT_TYPE, person_id: int
) -> tuple[AnyForm, Draft] | None:
    """The person's open advisor run with its form, for the menu and /cancel."""
    draft = await current_session(context, person_id)
    return None if draft is None else (ADVISOR, draft)


async def models_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Shows the three models side by side and offers the advisor (or the open run)."""
    await acknowledge(update)
    await close_buttons(update)
    await show_models(update, context)


async def show_models(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The models overview (the button press, if any, is answered already)."""
    assert update.effective_user is not None
    rows: list[list[Button]] = []
    draft = await current_session(context, update.effective_user.id)
    if draft is not None and draft.step != SUMMARY:
        k, n = position(ADVISOR, draft)
        label = _("▶️ Continue the advisor (step {k} of {n})").format(k=k, n=n)
        rows.append([(label, AdvisorButton(AdvisorAction.CONTINUE).pack())])
    elif draft is not None:
        rows.append([(_("▶️ Continue the advisor"), AdvisorButton(AdvisorAction.CONTINUE).pack())])
    rows.append(
        [(_("🧭 Which model fits us? Start the advisor"), AdvisorButton(AdvisorAction.NEW).pack())]
    )
    rows.append([(_("🏠 Menu"), Menu(MenuItem.HOME).pack())])
    profiles = [
        {
            "name": _(MODEL_LABELS[p.model]),
            "who": _(p.who),
            "employer": _(p.employer),
            "pay": _(p.pay),
            "recruitment": _(p.recruitment),
            "role": _(p.role),
            "duration": _(p.duration),
        }
        for p in model_profiles.PROFILES
    ]
    await reply(update, context, render("models/comparison", profiles=profiles), rows)


async def _pause_open_form(
    context: ContextTypes.DEFAULT_TYPE, person_id: int, eoi: Draft | None = None
) -> bool:
    """Pause the person's active expression of interest, so typed text goes to the advisor."""
    form, found = await advisor_result.expression_of_interest(context, person_id)
    eoi = eoi or found
    if form is None or eoi is None or eoi.paused:
        return False
    paused = await services(context).db.run(
        interest_store.move_draft, draft_id=eoi.id, step=eoi.step, editing=eoi.editing, paused=True
    )
    form_answers.remember(context, form, paused)
    return True


async def advisor_started(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Starts a new advisor run (an open form is paused meanwhile) and asks the first question."""
    await acknowledge(update)
    await close_buttons(update)
    user = update.effective_user
    assert user is not None
    paused_form = await _pause_open_form(context, user.id)
    await _start(update, context, user.id, {}, None, paused_form=paused_form)


async def _start(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    person_id: int,
    answers: dict[str, Any],
    eoi_id: int | None,
    *,
    paused_form: bool = False,
) -> None:
    svc = services(context)
    draft = await svc.db.run(
        store.start_session,
        person_id=person_id,
        step=ADVISOR.first_step(),
        answers=answers,
        eoi_id=eoi_id,
        now=svc.clock(),
    )
    form_answers.remember(context, ADVISOR, draft)
    intro = render("models/advisor_intro", embedded=eoi_id is not None, paused_form=paused_form)
    await reply(update, context, intro)
    await form_answers.ask(update, context, ADVISOR, draft)


async def advisor_continued(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Takes up the open advisor run where it stands."""
    assert update.effective_user is not None
    draft = await current_session(context, update.effective_user.id)
    if draft is None:  # finished or discarded meanwhile: a new run
        await advisor_started(update, context)
        return
    await _pause_open_form(context, update.effective_user.id)
    await form_buttons.button_pressed(update, context, ADVISOR, draft, "", FormAction.CONTINUE, "")


async def advisor_from_form(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    eoi: Draft,
    question: Question,
    value: str,
) -> None:
    """Pauses the form at “Help me choose” and runs the advisor for its partner country."""
    user = update.effective_user
    assert user is not None
    await _pause_open_form(context, user.id, eoi)
    draft = await current_session(context, user.id)
    if draft is not None:
        found = await services(context).db.run(
            store.result_of, advisor_id=draft.id, person_id=user.id
        )
        if found is not None and found.eoi_id == eoi.id:  # the run this form started: go on
            await form_buttons.button_pressed(
                update, context, ADVISOR, draft, "", FormAction.CONTINUE, ""
            )
            return
    country = eoi.answers.get("partner_country")
    await _start(update, context, user.id, {advisor.COUNTRY: country} if country else {}, eoi.id)


async def advisor_button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Hands a button of the advisor to the form engine; an old run's button gets a note."""
    assert update.effective_user is not None
    draft = await current_session(context, update.effective_user.id)
    gone = _("This advisor run is already finished.")
    await form_buttons.press_on_draft(update, context, draft, lambda _draft: ADVISOR, gone)


async def advisor_answer_received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Takes a typed message as the answer to the advisor's step; otherwise passes it on."""
    user = update.effective_user
    if user is None:
        return
    draft = await current_session(context, user.id)
    if draft is None or draft.paused or not is_active(context, ADVISOR.slot):
        return
    await form_answers.answer_typed(update, context, ADVISOR, draft)
    raise ApplicationHandlerStop


def setup() -> Contribution:
    """The handlers of group 0: /models, the menu entry, the advisor's buttons."""
    handlers: list[Handler] = [
        CommandHandler("models", models_requested),
        CallbackQueryHandler(models_requested, pattern=Menu.pattern(item=MenuItem.MODELS)),
        CallbackQueryHandler(
            advisor_started, pattern=AdvisorButton.pattern(action=AdvisorAction.NEW)
        ),
        CallbackQueryHandler(
            advisor_continued, pattern=AdvisorButton.pattern(action=AdvisorAction.CONTINUE)
        ),
        CallbackQueryHandler(
            advisor_button_pressed, pattern=FormButton.of_form(ADVISOR.prefix).pattern()
        ),
        *advisor_result.handlers(),
    ]
    return Contribution(
        handlers,
        open_forms=[OpenForm(ADVISOR.slot, _open_session, paused_by_others=False, kind="advisor")],
        helpers={ADVISOR_HELPER: advisor_from_form},
        questions={"advisor": QUESTIONS},
        commands=[
            Command(
                "models",
                COMMAND_DESCRIPTION,
                N_("compare the three expert models and find the one that fits"),
            )
        ],
    )


def setup_answers() -> list[Handler]:
    """Typed answers to the advisor (a group after the forms', before the fallback)."""
    return [
        MessageHandler(
            PERSONS_MESSAGE,
            advisor_answer_received,
        )
    ]
