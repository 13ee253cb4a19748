"""Expression of interest: choose a programme, answer its questions, check, submit. The commands,
buttons and typed answers around the programmes' forms (conversations.partners.interest_form)."""

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
from bot.contributions import Command, Contribution, OpenForm
from bot.forms import AnyForm, Draft
from bot.i18n import N_, _, render
from bot.main_menu import main_menu_rows
from bot.messaging import acknowledge, close_buttons, reply
from bot.ptb_types import Handler
from bot.routing import PERSONS_MESSAGE
from bot.services import services
from bot.vocabulary import PROGRAMMES
from conversations.partners import changes
from conversations.partners.interest_form import (
    FORMS,
    SLOT,
    current_draft,
    offer_programmes,
)
from conversations.partners.interest_questions import FACHKRAEFTEFONDS, VERWALTUNGSPARTNERSCHAFT
from storage import interest as store
from storage.deadlines import DeadlineView
from storage.models import Programme


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
    await offer_programmes(update, context)


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
        await offer_programmes(update, context)
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
        open_forms=[OpenForm(SLOT, _open_draft, note=_draft_note, kind="interest")],
        notices={"notices/eoi_submitted": _submission_notice},
        actions={"call": _call_acted_on},
        # By programme: an export of one programme's rows has only its questions' columns.
        questions={
            f"interest:{Programme.FACHKRAEFTEFONDS}": FACHKRAEFTEFONDS,
            f"interest:{Programme.VERWALTUNGSPARTNERSCHAFT}": VERWALTUNGSPARTNERSCHAFT,
        },
        commands=[
            Command(
                "interest",
                N_("Submit an expression of interest"),
                N_("submit an expression of interest for one of the programmes"),
            )
        ],
    )


def setup_answers() -> list[Handler]:
    """The handler that takes free messages as answers (a later group than commands)."""
    return [
        MessageHandler(
            PERSONS_MESSAGE,
            answer_received,
        )
    ]
