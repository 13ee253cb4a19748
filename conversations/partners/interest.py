"""Expression of interest: choose a programme, answer its questions, check, submit."""

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

from bot import advisor, form_answers, form_buttons, forms
from bot.active_flow import is_active
from bot.buttons.form import FormButton
from bot.buttons.menu import Menu, MenuItem
from bot.buttons.partners import ProgrammeChosen, ProgrammeConfirmed
from bot.contributions import Contribution, OpenForm
from bot.forms import AnyForm, Draft, DraftStore, Form
from bot.i18n import N_, _, current_language, render
from bot.main_menu import main_menu_rows
from bot.messaging import acknowledge, close_buttons, reply
from bot.outbox import wake_dispatcher
from bot.ptb_types import Handler
from bot.questions import Question
from bot.routing import PERSONS_MESSAGE
from bot.services import services
from bot.vocabulary import ADVISOR_HELPER, INTEREST_SLOT, PROGRAMMES
from conversations.partners import changes
from conversations.partners.interest_questions import FACHKRAEFTEFONDS, VERWALTUNGSPARTNERSCHAFT
from storage import interest as store
from storage import submissions
from storage.deadlines import DeadlineView
from storage.models import Programme

DRAFTS = DraftStore(save=store.save_answer, move=store.move_draft, discard=store.discard_draft)


async def _submitted(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    """Submits the draft, tells the person its reference and wakes the notice dispatcher."""
    svc = services(context)
    form = FORMS[draft.form]
    try:
        done = await svc.db.run(
            submissions.submit_draft,
            draft_id=draft.id,
            applicable=[q.key for q in form.applicable(draft.answers)],
            coordinators=sorted(svc.settings.coordinators_for(draft.form)),
            now=svc.clock(),
            language=current_language(),  # the one the person used, chosen or not
        )
    except submissions.ConsentMissing:  # the form asks first; storage refuses all the same
        [consent] = [q for q in form.questions if q.kind == forms.Kind.CONSENT]
        note = forms.consent_needed(consent, at_summary=True)
        await form_answers.ask(update, context, form, draft, note=note)
        return
    form_answers.remember(context, form, None)
    if done is None:
        await reply(update, context, _("This expression of interest was already submitted."))
        return
    text = render("interest/submitted", reference=done.reference, resubmitted=done.resubmitted)
    await reply(update, context, text, main_menu_rows())
    wake_dispatcher(context)


async def _discarded(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    """Confirms the discarded draft (or the dropped revision) and offers the menu."""
    if draft.reference:
        text = _(
            "Your changes were dropped. {reference} stays as it was submitted; you can revise it again from /mine."
        ).format(reference=draft.reference)
    else:
        text = _("Your draft was discarded.")
    await reply(update, context, text, main_menu_rows())


async def _extra_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft, question: Question, value: str
) -> None:
    """Hands "Help me choose" at the expert-model question to the expert-model advisor."""
    advisor = services(context).contributions.helpers[
        ADVISOR_HELPER
    ]  # conversations.advisor.models
    await advisor(update, context, draft, question, value)


# Where this process caches a person's expression-of-interest draft (form_answers.remember).
SLOT = INTEREST_SLOT

# The programmes' short names, as their buttons show them.
PROGRAMME_NAMES = {"fkf": N_("Fachkräftefonds"), "vwp": N_("Verwaltungspartnerschaft")}


async def _offer_programmes(
    update: Update, context: ContextTypes.DEFAULT_TYPE, note: str | None = None
) -> None:
    rows = [
        *([(_(name), ProgrammeChosen(code).pack())] for code, name in PROGRAMME_NAMES.items()),
        [(_("✖️ Cancel"), Menu(MenuItem.HOME).pack())],
    ]
    text = render("interest/programmes")
    await reply(update, context, f"⚠️ {note}\n\n{text}" if note else text, rows)


async def _first_back(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    """Back on the first question: the programme choice (the draft waits, paused, meanwhile;
    one with no answer yet is simply dropped)."""
    if not any(value not in (None, "", []) for value in draft.answers.values()):
        await services(context).db.run(store.discard_draft, draft_id=draft.id)
        form_answers.remember(context, FORMS[draft.form], None)
        await _offer_programmes(update, context)
        return
    await form_buttons.hold(context, FORMS[draft.form], draft)
    note = _(
        "Your answers so far are kept. Choose {programme} to go on with them, or the other programme to start anew."
    ).format(programme=_(PROGRAMME_NAMES[draft.form]))
    await _offer_programmes(update, context, note)


def _form(programme: str, title: str, questions: tuple[Question, ...]) -> Form[Draft]:
    return Form(
        name=programme,
        title=title,
        questions=questions,
        store=DRAFTS,
        on_submit=_submitted,
        on_discarded=_discarded,
        on_extra=_extra_pressed,
        on_first_back=_first_back,
        slot=SLOT,
    )


FORMS: dict[str, Form[Draft]] = {
    Programme.FACHKRAEFTEFONDS: _form(
        "fkf", N_("Expression of interest · Fachkräftefonds"), FACHKRAEFTEFONDS
    ),
    Programme.VERWALTUNGSPARTNERSCHAFT: _form(
        "vwp", N_("Expression of interest · Verwaltungspartnerschaft"), VERWALTUNGSPARTNERSCHAFT
    ),
}


async def current_draft(context: ContextTypes.DEFAULT_TYPE, person_id: int) -> Draft | None:
    """The person's open draft (cached in this process after the first look-up)."""
    svc = services(context)
    return await form_answers.cached_draft(
        context, SLOT, lambda: svc.db.run(store.current_draft, person_id=person_id)
    )


async def _open_draft(
    context: ContextTypes.DEFAULT_TYPE, person_id: int
) -> tuple[AnyForm, Draft] | None:
    """The person's expression of interest in progress with its form (by programme)."""
    draft = await current_draft(context, person_id)
    return None if draft is None else (FORMS[draft.form], draft)


def _draft_note(form: AnyForm, draft: Draft, k: int, n: int, ready: bool) -> str:
    """The line /start shows about an unfinished expression of interest."""
    return render(
        "interest/open_draft",
        programme=_(PROGRAMMES[draft.form]),
        reference=draft.reference,
        k=k,
        n=n,
        ready=ready,
    )


async def interest_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offers the two programmes, or first the draft the person already has."""
    await acknowledge(update)
    await close_buttons(update)
    user = update.effective_user
    assert user is not None
    draft = await current_draft(context, user.id)
    if draft is not None:
        k, n = forms.position(FORMS[draft.form], draft)
        text = render(
            "interest/open_draft",
            programme=_(PROGRAMMES[draft.form]),
            reference=draft.reference,
            k=k,
            n=n,
            ready=draft.step == forms.SUMMARY,
        )
        rows = forms.resume_rows(FORMS[draft.form], draft)
        rows.append([(_("Choose a programme anew"), ProgrammeChosen("choose").pack())])
        await reply(update, context, text, rows)
        return
    await _offer_programmes(update, context)


async def programme_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Starts the chosen programme's form, after confirming that an older draft may go."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    await acknowledge(update)
    await close_buttons(update)
    # prog|<programme>, or prog!|<programme>|<draft id> once the person agreed to drop that draft
    chosen: ProgrammeChosen | ProgrammeConfirmed | None = ProgrammeChosen.unpack(query.data)
    if chosen is None:
        chosen = ProgrammeConfirmed.of(update)
    programme = chosen.programme
    confirmed = chosen.draft_id if isinstance(chosen, ProgrammeConfirmed) else None
    if programme == "choose":
        await _offer_programmes(update, context)
        return
    if programme not in FORMS:
        await reply(
            update, context, _("That button no longer works. Here is the menu."), main_menu_rows()
        )
        return
    draft = await current_draft(context, update.effective_user.id)
    if draft is not None and confirmed != draft.id:
        if draft.form == programme:
            await form_buttons.resume(update, context, FORMS[programme], draft)
            return
        rows = [
            [(_("Yes, start anew"), ProgrammeConfirmed(programme, draft.id).pack())],
            *forms.resume_rows(FORMS[draft.form], draft),
        ]
        text = render(
            "interest/replace_draft",
            old=_(PROGRAMMES[draft.form]),
            new=_(PROGRAMMES[programme]),
            revising=draft.reference,
        )
        await reply(update, context, text, rows)
        return
    form = FORMS[programme]
    svc = services(context)
    draft = await svc.db.run(
        store.start_draft,
        person_id=update.effective_user.id,
        programme=Programme(programme),
        step=form.first_step(),
        now=svc.clock(),
    )
    form_answers.remember(context, form, draft)
    await reply(update, context, render(f"interest/intro_{programme}"))
    await form_answers.ask(update, context, form, draft)


async def form_button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Hands a button of the draft to the form; a button of an old draft gets a polite note."""
    assert update.effective_user is not None
    draft = await current_draft(context, update.effective_user.id)
    gone = _("This button belongs to a form that was already submitted or discarded.")
    await form_buttons.press_on_draft(update, context, draft, lambda d: FORMS[d.form], gone)


async def answer_received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Takes any message as the answer to the open draft's step; otherwise passes it on."""
    user = update.effective_user
    if user is None:
        return
    draft = await current_draft(context, user.id)
    if draft is None or draft.paused or not is_active(context, SLOT):
        return
    await form_answers.answer_typed(update, context, FORMS[draft.form], draft)
    raise ApplicationHandlerStop


def _submission_notice(params: dict[str, Any]) -> str:
    """A coordinator's notice of a new submission, with its summary, in their language."""
    form = FORMS[params["programme"]]
    programme = PROGRAMMES[params["programme"]]
    return render(
        "notices/eoi_submitted",
        reference=params["reference"],
        programme=_(programme),
        lines=forms.summary_lines(form, params["answers"]),
        advisor=advisor.explanation(params["answers"]),
        partner_country=params["answers"].get("partner_country"),
        resubmitted=bool(params.get("resubmitted")),
        revising=bool(params.get("revising")),
        changes=changes.shown(form, params.get("changes") or []),
    )


async def _call_acted_on(
    update: Update, context: ContextTypes.DEFAULT_TYPE, deadline: DeadlineView
) -> None:
    """A call's deadline ("act now" on its reminder): continue the expression of interest."""
    await interest_requested(update, context)


def setup() -> Contribution:
    """The handlers of group 0 (commands and buttons) for expressions of interest."""
    handlers: list[Handler] = [
        CommandHandler("interest", interest_requested),
        CallbackQueryHandler(interest_requested, pattern=Menu.pattern(item=MenuItem.INTEREST)),
        CallbackQueryHandler(programme_chosen, pattern=ProgrammeChosen.pattern()),
        CallbackQueryHandler(programme_chosen, pattern=ProgrammeConfirmed.pattern()),
        CallbackQueryHandler(form_button_pressed, pattern=FormButton.of_form("f").pattern()),
    ]
    return Contribution(
        handlers,
        open_forms=[OpenForm(SLOT, _open_draft, note=_draft_note)],
        notices={"notices/eoi_submitted": _submission_notice},
        actions={"call": _call_acted_on},
        questions={"interest": (*FACHKRAEFTEFONDS, *VERWALTUNGSPARTNERSCHAFT)},
    )


def setup_answers() -> list[Handler]:
    """The handler that takes free messages as answers (a later group than commands)."""
    return [
        MessageHandler(
            PERSONS_MESSAGE,
            answer_received,
        )
    ]
