"""An expression of interest's forms, one per programme (questions in
conversations.partners.interest_questions): what submitting, discarding and Back on the first
question do, the programme choice they go back to, and the person's draft."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    ContextTypes,
)

from bot import form_answers, form_buttons, forms
from bot.buttons.menu import Menu, MenuItem
from bot.buttons.partners import ProgrammeChosen
from bot.form_drafts import FormDrafts
from bot.forms import Draft, DraftStore, Form
from bot.i18n import N_, _, current_language, render
from bot.main_menu import main_menu_rows
from bot.messaging import reply
from bot.outbox import wake_dispatcher
from bot.questions import Question
from bot.services import services
from bot.vocabulary import ADVISOR_HELPER, INTEREST_SLOT
from conversations.partners.interest_questions import FACHKRAEFTEFONDS, VERWALTUNGSPARTNERSCHAFT
from storage import interest as store
from storage import submissions
from storage.models import Programme

STORE = DraftStore(save=store.save_answer, move=store.move_draft, discard=store.discard_draft)


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
    DRAFTS.remember(context, None)
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


# Where this process caches a person's expression-of-interest draft (FormDrafts.remember).
SLOT = INTEREST_SLOT

# The programmes' short names, as their buttons show them.
PROGRAMME_NAMES = {"fkf": N_("Fachkräftefonds"), "vwp": N_("Verwaltungspartnerschaft")}


async def offer_programmes(
    update: Update, context: ContextTypes.DEFAULT_TYPE, note: str | None = None
) -> None:
    """The two programmes to choose from (with a note above them, if any)."""
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
        await DRAFTS.discard(context, draft)
        await offer_programmes(update, context)
        return
    await form_buttons.hold(context, FORMS[draft.form], draft)
    note = _(
        "Your answers so far are kept. Choose {programme} to go on with them, or the other programme to start anew."
    ).format(programme=_(PROGRAMME_NAMES[draft.form]))
    await offer_programmes(update, context, note)


def _form(programme: str, title: str, questions: tuple[Question, ...]) -> Form[Draft]:
    return Form(
        name=programme,
        title=title,
        questions=questions,
        store=STORE,
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


# The person's expression of interest in progress, of either programme.
DRAFTS = FormDrafts(FORMS, current=store.current_draft, start=store.start_draft)
