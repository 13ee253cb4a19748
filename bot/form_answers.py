"""How a form takes typed answers: checked (bot.answer_checks), saved, and the next step asked
(the buttons are bot.form_buttons').

Every answer is committed (with the step it leads to) before the bot replies; a redelivered
update changes nothing.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import ContextTypes

from bot import countries, form_kinds
from bot.active_flow import activate
from bot.answer_checks import check_text, option_typed, too_early, unknown_command
from bot.buttons.form import FormAction
from bot.forms import (
    SUMMARY,
    Form,
    Kind,
    Question,
    data,
    nav_row,
)
from bot.i18n import _, country_name, render
from bot.messaging import (
    as_typed,
    pressed_on_latest,
    replace,
    reply,
)
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
    """Send the draft's current step as a new message."""
    await activate(context, form.slot)
    text, rows = question_view(form, draft, today(context, form, draft), note)
    # A button on the newest message: that message becomes the next step (one edit, no clutter).
    if pressed_on_latest(update, context) and await replace(update, text, rows):
        return
    await reply(update, context, text, rows)


# user_data key: (draft id, question, answer) when an edit from the summary began, so that Back
# can undo what was ticked meanwhile (multiple choice saves each tick).
EDIT_START = "edit_start"

# Steps answered only by pressing a button (typing an option's label works too, unannounced).
BUTTONS_ONLY = (Kind.CHOICE, Kind.MULTI, Kind.CONSENT)


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


async def cached_draft(
    context: ContextTypes.DEFAULT_TYPE,
    form_slot: str,
    load: Callable[[], Awaitable[DraftT | None]],
) -> DraftT | None:
    """The person's draft of this kind: from the cache, or loaded once after a restart."""
    assert context.user_data is not None
    if form_slot not in context.user_data:
        context.user_data[form_slot] = await load()
    return context.user_data[form_slot]


async def answer_typed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, form: Form[DraftT], draft: DraftT
) -> None:
    """Takes a typed message as the answer to the current step, or says what is wrong."""
    if redelivered(update, draft, services(context).clock()):
        await answer_again(update, context, form, draft)
        return
    message = update.effective_message
    assert message is not None
    text = as_typed(message.text)
    if text is not None and text.startswith("/"):  # on any step, also where buttons are asked
        question = form.question(draft.step)
        typed = question is not None and question.kind not in BUTTONS_ONLY
        await ask(update, context, form, draft, note=unknown_command(text, typed))
        return
    if draft.step == SUMMARY:
        await ask(
            update,
            context,
            form,
            draft,
            note=_(
                "Everything is answered. Check your answers below, edit any of them, or submit."
            ),
        )
        return
    question = form.question(draft.step)
    assert question is not None
    if question.kind == Kind.ATTACHMENTS:
        await _attachment_received(update, context, form, draft, question)
        return
    if question.kind in (Kind.CHOICE, Kind.MULTI, Kind.CONSENT):
        chosen = option_typed(question, text)
        if chosen is None:
            await ask(
                update, context, form, draft, note=_("Please choose one of the buttons below.")
            )
            return
        if question.kind == Kind.MULTI:
            current = list(draft.answers.get(question.key) or [])
            value: Any = [*current, chosen] if chosen not in current else current
            saved: DraftT | None = await save(
                update, context, form, draft, question.key, value, advance=False
            )
        else:
            value = chosen == "1" if question.kind == Kind.CONSENT else chosen
            saved = await save_choice(update, context, form, draft, question, value)
        if saved is not None:
            await ask(update, context, form, saved)
        return
    problem = check_text(question, text)
    if problem:
        await ask(update, context, form, draft, note=problem)
        return
    assert text is not None
    if question.kind == Kind.COUNTRY:
        await _country_typed(update, context, form, draft, question, text)
        return
    value, problem = form_kinds.read_answer(
        question, text, draft.answers, today(context, form, draft)
    )
    if problem is None and question.kind == Kind.DATE:
        problem = too_early(form, draft, value)
    if problem:
        await ask(update, context, form, draft, note=problem)
        return
    if question.kind == Kind.EMAIL:  # an address is kept as validated, without stray spaces
        value = value.strip()
    draft = await save(update, context, form, draft, question.key, value)
    await ask(update, context, form, draft)


def today(context: ContextTypes.DEFAULT_TYPE, form: Form[DraftT], draft: DraftT) -> date:
    """Today's date where the person is (their draft's time zone), by the bot's clock."""
    zone = form.zone_of(draft) if form.zone_of else "UTC"
    return services(context).clock().astimezone(ZoneInfo(zone)).date()


async def _attachment_received(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form[DraftT],
    draft: DraftT,
    question: Question,
) -> None:
    """Adds a photo or document to the attachments; anything else gets a note."""
    message = update.effective_message
    assert message is not None
    attachment, problem = form_kinds.attachment_of(message)
    if attachment is None:
        await ask(update, context, form, draft, note=problem or form_kinds.labels()["send_files"])
        return
    current = list(draft.answers.get(question.key) or [])
    if question.maximum is not None and len(current) >= question.maximum:
        await ask(update, context, form, draft, note=form_kinds.labels()["too_many"])
        return
    draft = await save(
        update, context, form, draft, question.key, [*current, attachment], advance=False
    )
    await ask(update, context, form, draft)


async def _country_typed(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form[DraftT],
    draft: DraftT,
    question: Question,
    text: str,
) -> None:
    """Offers the countries matching the typed text as buttons to confirm."""
    found = countries.search(text, exclude=question.exclude_countries)
    if not found:
        note = _(
            "I couldn't find a country for “{text}”. Please type part of its name, e.g. “Ghana” or “Ivory Coast”."
        ).format(text=text[:100])
        await ask(update, context, form, draft, note=note)
        return
    rows = [[(country_name(code), data(form, draft, FormAction.COUNTRY, code))] for code in found]
    rows.append([(_("None of these — type again"), data(form, draft, FormAction.RETYPE))])
    rows.append(nav_row(form, draft))
    await reply(
        update, context, render("forms/countries", typed=text[:100], count=len(found)), rows
    )


async def save_choice(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form[DraftT],
    draft: DraftT,
    question: Question,
    value: Any,
) -> DraftT | None:
    if question.kind == Kind.CONSENT and value is False:
        # "No" is stored as the answer (and shown so); it blocks submitting until it is "Yes".
        # From the summary the person goes back there; on the way through the form they stay.
        editing = draft.editing
        draft = await save(update, context, form, draft, question.key, False, advance=editing)
        why = _(
            "We can only take up an expression of interest if the programme may contact you about it. Your draft stays saved: choose “Yes, I agree” when you are ready, or Cancel."
        )
        if editing:  # back at the summary, whose last line says what to do
            why = _(
                "We can only take up an expression of interest if the programme may contact you about it."
            )
        await ask(update, context, form, draft, note=why)
        return None
    return await save(update, context, form, draft, question.key, value)
