"""A reason for returning or declining a submission: a common one picked or one's own typed,
then confirmed.

A form of the one form engine (bot.forms): its draft waits in the database (a restart loses
nothing), Back, Cancel (pause), a wrong answer's re-ask and the confirmation are the engine's;
nothing is decided before Confirm. The submitter reads a common reason in their own language
and a typed one as it was typed."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.buttons.form import FormButton
from bot.buttons.partners import ReasonButton
from bot.contributions import Contribution
from bot.form_drafts import FormDrafts
from bot.forms import Draft, DraftStore, Form
from bot.i18n import N_, _
from bot.messaging import acknowledge, close_buttons, replace, reply
from bot.ptb_types import Handler
from bot.questions import Kind, Option, Question
from bot.roles import coordinators_only
from bot.services import services
from bot.vocabulary import RETURN_REASONS
from conversations.partners import decided
from storage import reviews
from storage.models import Status

FLOW = reviews.REASON_DRAFTS.form
MAX_REASON = 500
PRESETS = RETURN_REASONS
WITH_REASON = (Status.RETURNED, Status.DECLINED)
STORE = reviews.REASON_DRAFTS


def reason_text(code: str | None, typed: str | None) -> str:
    """The reason as the reader reads it (a preset in the current language), unescaped."""
    if code in PRESETS:
        return _(PRESETS[code])
    return typed or ""


def _reason_asked(answers: Mapping[str, Any]) -> str:
    """Why return (or decline) this submission, and how to answer."""
    question = (
        _("Why do you return {reference} for changes?")
        if answers["decision"] == Status.RETURNED
        else _("Why do you decline {reference}?")
    ).format(reference=answers["reference"])
    hint = _("Pick a common reason or type your own. The submitter reads it in their notice.")
    return f"{question}\n{hint}"


def _deciding(answers: Mapping[str, Any]) -> str:
    """The line above the confirmation: which submission, which decision."""
    return f"{answers['reference']}: {_(decided.LABELS[Status(answers['decision'])])}"


QUESTIONS = (
    Question(
        "reason",
        Kind.PICK,
        N_("Reason"),
        N_("Why do you return {reference} for changes?"),
        options=tuple(Option(code, label) for code, label in PRESETS.items()),
        max_length=MAX_REASON,
        min_length=1,
        words=False,
        ask=_reason_asked,
    ),
)


async def reason_confirmed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft
) -> None:
    """Decides with the reason (the submitter is told); the draft has done its work."""
    answers = draft.answers
    reason = answers["reason"]
    told = await decided.apply(
        update,
        context,
        int(answers["eoi_id"]),
        Status(answers["decision"]),
        reason_code=reason.get("option"),
        reason=reason.get("text"),
    )
    await DRAFTS.done_with(context, draft)
    if told is not None:
        await _close(update, context, html.escape(told))


async def nothing_decided(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    """The decision was dropped: the submission stays as it was."""
    note = _("Nothing was decided: {reference} stays as it was.")
    await _close(update, context, note.format(reference=html.escape(draft.answers["reference"])))


async def back_from_reason(
    update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft
) -> None:
    """Back from the reason: no decision after all."""
    await DRAFTS.done_with(context, draft)
    await nothing_decided(update, context, draft)


FORM = Form(
    name=FLOW,
    title=N_("Decision with a reason"),
    questions=QUESTIONS,
    store=DraftStore(save=STORE.save, move=STORE.move, discard=STORE.discard),
    on_submit=reason_confirmed,
    on_discarded=nothing_decided,
    on_first_back=back_from_reason,
    prefix="dec",
    slot=FLOW,
    submit_label=N_("✅ Confirm"),
    confirm_note=N_("Is this right? The submitter is told when you confirm."),
    about=_deciding,
)


DRAFTS = FormDrafts(FORM, current=STORE.current, start=STORE.start)


async def ask_reason(
    update: Update, context: ContextTypes.DEFAULT_TYPE, eoi_id: int, status: Status
) -> None:
    """Return or Decline was pressed: asks for the reason (if the decision is still open)."""
    svc = services(context)
    reference = await svc.db.run(reviews.decidable, eoi_id=eoi_id, decision=status)
    if reference is None:
        await decided.refuse_unchanged(update, context, eoi_id)
        return
    await acknowledge(update)
    answers = {"eoi_id": eoi_id, "decision": str(status), "reference": reference}
    # A new message: the notice with the submission stays readable above it.
    await DRAFTS.start(update, context, below=True, answers=answers)


async def older_button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button of the reason step from before it was a form (`why|…`)."""
    await acknowledge(update)
    await close_buttons(update)
    note = _("That button no longer works. Please send {command} again.")
    await reply(update, context, note.format(command="/submissions"))


async def _close(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """The confirmation's message now says how it ended (a new message if it can't be edited)."""
    if not await replace(update, text):
        await reply(update, context, text)


def setup() -> Contribution:
    """The reason step's buttons; its typed answers are taken with the other short forms'."""
    handlers: list[Handler] = [
        CallbackQueryHandler(
            coordinators_only(DRAFTS.button_pressed),
            pattern=FormButton.of_form(FORM.prefix).pattern(),
        ),
        CallbackQueryHandler(
            coordinators_only(older_button_pressed), pattern=ReasonButton.pattern()
        ),
    ]
    return Contribution(
        handlers,
        open_forms=[DRAFTS.open_form(coordinators_only=True, answered_by="experts", kind=FLOW)],
    )
