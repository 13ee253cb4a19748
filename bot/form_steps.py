"""A form's step asked, an answer saved (with the step it leads to, in one commit before the
bot replies) and the draft kept in this process's cache; a redelivered update changes nothing.
How typed answers are read is bot.form_answers'; buttons, bot.form_buttons'.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import ContextTypes

from bot.active_flow import activate
from bot.forms import SUMMARY, Form
from bot.messaging import pressed_on_latest, replace, reply
from bot.services import services
from bot.step_views import question_view
from storage.drafts import Draft, DraftT
from storage.people import REDELIVERY_WINDOW

logger = logging.getLogger(__name__)


async def ask(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form[DraftT],
    draft: DraftT,
    note: str | None = None,
) -> None:
    """Send the draft's current step as a new message (a form without confirm carries out
    its complete answers instead of showing a summary)."""
    if (
        draft.step == SUMMARY
        and not form.confirm
        and note is None
        and not form.missing(draft.answers)
    ):
        await form.on_submit(update, context, draft)
        return
    await activate(context, form.slot)
    text, rows = question_view(form, draft, today(context, form, draft), note)
    # A button on the newest message: that message becomes the next step (one edit, no clutter).
    if pressed_on_latest(update, context) and await replace(update, text, rows):
        return
    await reply(update, context, text, rows)


# user_data key: (draft id, question, answer) when an edit from the summary began, so that Back
# can undo what was ticked meanwhile (multiple choice saves each tick).
EDIT_START = "edit_start"


def today(context: ContextTypes.DEFAULT_TYPE, form: Form[DraftT], draft: DraftT) -> date:
    """Today's date where the person is (their draft's time zone), by the bot's clock."""
    zone = form.zone_of(draft) if form.zone_of else "UTC"
    return services(context).clock().astimezone(ZoneInfo(zone)).date()


async def save(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form[DraftT],
    draft: DraftT,
    key: str,
    value: Any,
    *,
    advance: bool = True,
) -> DraftT:
    """Store one answer (and the next step) in one transaction, then show that step."""
    svc = services(context)
    answers = {**draft.answers, key: value}
    step = form.next_step(key, answers, draft.editing) if advance else draft.step
    editing = draft.editing and step != SUMMARY
    saved = await svc.db.run(
        form.store.save,
        draft=draft,
        answers={key: value},
        step=step,
        editing=editing,
        update_id=update.update_id,
        now=svc.clock(),
        **(form.save_scope(update, context) if form.save_scope else {}),
    )
    remember(context, form, saved)
    _note_update(context, update.update_id, svc.clock())
    return saved


def _note_update(context: ContextTypes.DEFAULT_TYPE, update_id: int, now: Any) -> None:
    """Keep the cached person in step with the update id storage just recorded."""
    assert context.user_data is not None
    person = context.user_data.get("person")
    if person is not None and update_id > person.last_update_id:
        context.user_data["person"] = dataclasses.replace(
            person, last_update_id=update_id, last_update_at=now
        )


def redelivered(update: Update, draft: Draft, now: datetime) -> bool:
    """Whether this update already changed the draft (Telegram redelivers after a crash)."""
    if not draft.last_update_id or update.update_id > draft.last_update_id:
        return False
    if draft.updated_at is None or now - draft.updated_at >= REDELIVERY_WINDOW:
        return False  # Telegram may restart update ids after a quiet week
    logger.info("update %s again: draft %s has it already", update.update_id, draft.id)
    return True


async def answer_again(
    update: Update, context: ContextTypes.DEFAULT_TYPE, form: Form[DraftT], draft: DraftT
) -> None:
    """A redelivered update: if it was the last to change the draft, the process may have died
    before its reply went out, so the step it led to is shown (again); an older one is dropped."""
    if update.update_id == draft.last_update_id:
        await ask(update, context, form, draft)


def remember(context: ContextTypes.DEFAULT_TYPE, form: Form[DraftT], draft: DraftT | None) -> None:
    """Keep the draft in this process's cache; the database stays the source of truth.

    Only one bot process serves a token (see bot.lock), so this cache cannot go stale.
    """
    assert context.user_data is not None
    context.user_data[form.slot] = draft
