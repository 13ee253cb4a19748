"""A reason for returning or declining a submission: a preset one or typed, then confirmed.

The step waits in the database like /deadline's (a restart loses nothing); Cancel leaves the
submission exactly as it was. The submitter reads a preset reason in their own language and a
typed one as it was typed."""

from __future__ import annotations

import html
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot import entries
from bot.buttons.partners import ReasonAction, ReasonButton
from bot.contributions import Contribution, TypedStep
from bot.i18n import _
from bot.messaging import Button, acknowledge, replace, reply
from bot.ptb_types import Handler
from bot.roles import coordinators_only
from bot.services import services
from bot.vocabulary import RETURN_REASONS
from conversations.partners import decided
from storage import reviews
from storage.models import Status
from storage.preferences import Entry

FLOW = "decision"
MAX_REASON = 500
PRESETS = RETURN_REASONS
WITH_REASON = (Status.RETURNED, Status.DECLINED)


def reason_text(code: str | None, typed: str | None) -> str:
    """The reason as the reader reads it (a preset in the current language), unescaped."""
    if code in PRESETS:
        return _(PRESETS[code])
    return typed or ""


def _cancel_row() -> list[Button]:
    return [(_("✖️ Cancel"), ReasonButton(ReasonAction.CANCEL).pack())]


async def _ask(update: Update, context: ContextTypes.DEFAULT_TYPE, answers: dict[str, Any]) -> None:
    user = update.effective_user
    assert user is not None
    await entries.wait_for(context, user.id, FLOW, "reason", answers)
    question = (
        _("Why do you return {reference} for changes?")
        if answers["decision"] == Status.RETURNED
        else _("Why do you decline {reference}?")
    ).format(reference=answers["reference"])
    hint = _("Pick a common reason or type your own. The submitter reads it in their notice.")
    rows = [
        [(_(label), ReasonButton(ReasonAction.PRESET, code).pack())]
        for code, label in PRESETS.items()
    ]
    await reply(update, context, f"<b>{question}</b>\n{hint}", [*rows, _cancel_row()])


async def ask_reason(
    update: Update, context: ContextTypes.DEFAULT_TYPE, eoi_id: int, status: Status
) -> None:
    """Return or Decline was pressed: asks for the reason (if the decision is still open)."""
    reference = await services(context).db.run(reviews.decidable, eoi_id=eoi_id, decision=status)
    if reference is None:
        await decided.refuse_unchanged(update, context, eoi_id)
        return
    await acknowledge(update)
    await _ask(update, context, {"eoi_id": eoi_id, "decision": str(status), "reference": reference})


async def _confirm(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answers: dict[str, Any]
) -> None:
    user = update.effective_user
    assert user is not None
    await entries.wait_for(context, user.id, FLOW, "confirm", answers)
    reason = html.escape(reason_text(answers.get("reason_code"), answers.get("reason")))
    decision = _(decided.LABELS[Status(answers["decision"])])
    text = "\n".join(
        (
            f"<b>{html.escape(answers['reference'])}</b>: {decision}",
            _("Reason: {reason}").format(reason=reason),
            "",
            _("Is this right? The submitter is told when you confirm."),
        )
    )
    rows = [
        [(_("✅ Confirm"), ReasonButton(ReasonAction.CONFIRM).pack())],
        [
            (_("◀️ Back"), ReasonButton(ReasonAction.BACK).pack()),
            (_("✖️ Cancel"), ReasonButton(ReasonAction.CANCEL).pack()),
        ],
    ]
    await reply(update, context, text, rows)


async def reason_typed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, entry: Entry, text: str
) -> None:
    """A typed reason: shown back for confirmation (too long or empty: asked again)."""
    if entry.step != "reason":  # the confirmation waits for a button, not for text
        await _confirm(update, context, entry.answers)
        return
    if not text or len(text) > MAX_REASON:
        note = _("Please write the reason in at most {limit} characters.").format(limit=MAX_REASON)
        await reply(update, context, note, [_cancel_row()])
        return
    answers = {**entry.answers, "reason_code": None, "reason": text}
    await _confirm(update, context, answers)


async def reason_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A preset reason, Confirm, Back or Cancel (role checked on every press)."""
    pressed = ReasonButton.of(update)
    steps = ("reason",) if pressed.action == ReasonAction.PRESET else ()
    if pressed.action in (ReasonAction.CONFIRM, ReasonAction.BACK):
        steps = ("confirm",)
    entry = await entries.pressed_step(update, context, FLOW, "/submissions", steps)
    if entry is None:
        return
    user = update.effective_user
    assert user is not None
    answers = entry.answers
    if pressed.action == ReasonAction.PRESET:
        if pressed.argument not in PRESETS:
            await _ask(update, context, answers)
            return
        await _confirm(
            update, context, {**answers, "reason_code": pressed.argument, "reason": None}
        )
        return
    if pressed.action == ReasonAction.BACK:
        base = {k: v for k, v in answers.items() if k not in ("reason_code", "reason")}
        await _ask(update, context, base)
        return
    await entries.finish(context, user.id)
    if pressed.action == ReasonAction.CANCEL:
        note = _("Nothing was decided: {reference} stays as it was.")
        await _close(update, context, note.format(reference=html.escape(answers["reference"])))
        return
    told = await decided.apply(
        update,
        context,
        int(answers["eoi_id"]),
        Status(answers["decision"]),
        reason_code=answers.get("reason_code"),
        reason=answers.get("reason"),
    )
    if told is not None:
        await _close(update, context, html.escape(told))


async def _close(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """The confirmation's message now says how it ended (a new message if it can't be edited)."""
    if not await replace(update, text):
        await reply(update, context, text)


def setup() -> Contribution:
    """The reason step's buttons and its typed text."""
    handlers: list[Handler] = [
        CallbackQueryHandler(coordinators_only(reason_pressed), pattern=ReasonButton.pattern()),
    ]
    return Contribution(
        handlers, typed_steps={FLOW: TypedStep(coordinators_only(reason_typed), "/submissions")}
    )
