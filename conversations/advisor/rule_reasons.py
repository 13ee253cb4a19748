"""The reason partners read under an expert model in a country, typed by a coordinator of the
Fachkräftefonds in their own language from /rules (✏️ Reason).

A one-question form of the one form engine (bot.forms): its draft waits in the database (a
restart loses nothing), Back (to the rules), Cancel (pause) and a wrong answer's re-ask are the
engine's; the reason is stored as soon as it is typed. Every change is recorded with who made
it and when (storage.model_rules).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot import countries
from bot.advisor import MODEL_LABELS, MODELS
from bot.buttons.advisor import RuleReasonAsked
from bot.buttons.form import FormButton
from bot.callbacks import ForgedButton
from bot.contributions import Contribution
from bot.form_drafts import FormDrafts
from bot.forms import Draft, DraftStore, Form
from bot.i18n import N_, _, country_name, current_language, language_name
from bot.messaging import acknowledge, reply
from bot.model_rules_file import REASON_LIMIT
from bot.ptb_types import Handler
from bot.questions import Kind, Question
from bot.roles import coordinators_of
from bot.services import services
from conversations.advisor.model_rules import rules_view, show_rules
from storage import model_rules

REASON_FLOW = model_rules.REASON_DRAFTS.form  # the form that asks for a reason
STORE = model_rules.REASON_DRAFTS


def _reason_asked(answers: Mapping[str, Any]) -> str:
    """The reason for which model in which country, in which language."""
    return _(
        "Please type the reason partners read for {model} in {country}, in {language} (at most {limit} characters). Send “-” to remove it."
    ).format(
        model=_(MODEL_LABELS[answers["model"]]),
        country=country_name(answers["country"]),
        language=language_name(current_language()),
        limit=REASON_LIMIT,
    )


QUESTIONS = (
    Question(
        "reason",
        Kind.TEXT,
        N_("Reason"),
        N_(
            "Please type the reason partners read for {model} in {country}, in {language} (at most {limit} characters). Send “-” to remove it."
        ),
        max_length=REASON_LIMIT,
        min_length=1,
        words=False,
        ask=_reason_asked,
    ),
)


async def reason_given(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    """Stores the typed reason in the coordinator's language and shows the rules again."""
    user = update.effective_user
    assert user is not None
    svc = services(context)
    code, model = draft.answers["country"], draft.answers["model"]
    await svc.db.run(
        model_rules.set_reason,
        country=code,
        model=model,
        language=current_language(),
        reason="" if draft.answers["reason"].strip() == "-" else draft.answers["reason"].strip(),
        actor=f"telegram:{user.id}",
        now=svc.clock(),
    )
    await DRAFTS.done_with(context, draft)
    note = _("✅ Saved: the reason for {model} in {country}.").format(
        model=_(MODEL_LABELS[model]), country=country_name(code)
    )
    text, rows = await rules_view(context, user.id, code, note)
    await reply(update, context, text, rows)


async def back_to_rules(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    """Back from the reason (or the draft thrown away): the rules as they stand."""
    await DRAFTS.done_with(context, draft)
    await show_rules(update, context, draft.answers["country"])


FORM = Form(
    name=REASON_FLOW,
    title=N_("Reason for a model rule"),
    questions=QUESTIONS,
    store=DraftStore(save=STORE.save, move=STORE.move, discard=STORE.discard),
    on_submit=reason_given,
    on_discarded=back_to_rules,
    on_first_back=back_to_rules,
    prefix="rr",
    slot=REASON_FLOW,
    confirm=False,
)


DRAFTS = FormDrafts(FORM, current=STORE.current, start=STORE.start)


async def reason_asked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Asks for the reason partners read under a model, in the coordinator's language."""
    user = update.effective_user
    assert user is not None
    await acknowledge(update)
    pressed = RuleReasonAsked.of(update)
    if not countries.is_country(pressed.country) or pressed.model >= len(MODELS):
        raise ForgedButton(f"no such rule: {pressed}")
    code, model = pressed.country.upper(), MODELS[pressed.model]
    # A new message: the rules with their buttons stay above it.
    await DRAFTS.start(update, context, below=True, answers={"country": code, "model": model})


def setup() -> Contribution:
    """The ✏️ Reason buttons of /rules and the reason's form (group 0)."""
    # The expert models and their rules are the Fachkräftefonds' own.
    fkf = coordinators_of("fkf")
    handlers: list[Handler] = [
        CallbackQueryHandler(fkf(reason_asked), pattern=RuleReasonAsked.pattern()),
        CallbackQueryHandler(
            fkf(DRAFTS.button_pressed), pattern=FormButton.of_form(FORM.prefix).pattern()
        ),
    ]
    # Its typed answers are taken with the other short forms' (the experts' group).
    return Contribution(
        handlers,
        open_forms=[
            DRAFTS.open_form(coordinators_only=True, answered_by="experts", kind=REASON_FLOW)
        ],
    )
