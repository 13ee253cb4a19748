"""Expression of interest: choose a programme, answer its questions, check, submit. The commands,
buttons and typed answers around the programmes' forms (conversations.partners.interest_form)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
)

from bot import advisor, form_buttons, forms
from bot.buttons.form import FormButton
from bot.buttons.menu import Menu, MenuItem
from bot.buttons.partners import ProgrammeChosen, ProgrammeConfirmed
from bot.contributions import Command, Contribution
from bot.forms import AnyForm, Draft
from bot.i18n import N_, _, render
from bot.main_menu import main_menu_rows
from bot.messaging import acknowledge, close_buttons, reply
from bot.ptb_types import Handler
from bot.routing import PERSONS_MESSAGE
from bot.vocabulary import PROGRAMMES
from conversations.partners import changes
from conversations.partners.interest_form import DRAFTS, FORMS, offer_programmes
from conversations.partners.interest_questions import FACHKRAEFTEFONDS, VERWALTUNGSPARTNERSCHAFT
from storage.deadlines import DeadlineView
from storage.models import Programme


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
    draft = await DRAFTS.current(context, user.id)
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
    draft = await DRAFTS.current(context, update.effective_user.id)
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
    await DRAFTS.start(
        update,
        context,
        form=FORMS[programme],
        intro=render(f"interest/intro_{programme}"),
        pause_others=False,
        programme=Programme(programme),
    )


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
        CallbackQueryHandler(DRAFTS.button_pressed, pattern=FormButton.of_form("f").pattern()),
    ]
    return Contribution(
        handlers,
        open_forms=[DRAFTS.open_form(note=_draft_note, kind="interest")],
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
    return [MessageHandler(PERSONS_MESSAGE, DRAFTS.answer_received)]
