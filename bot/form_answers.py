"""How a form takes typed answers: checked (bot.answer_checks), saved, and the next step asked
(the buttons are bot.form_buttons').

Every answer is committed (with the step it leads to) before the bot replies; a redelivered
update changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot import countries, form_kinds
from bot.active_flow import activate
from bot.answer_checks import check_text, option_typed, too_early, unknown_command
from bot.buttons.form import FormAction
from bot.form_steps import EDIT_START as EDIT_START
from bot.form_steps import answer_again as answer_again
from bot.form_steps import ask as ask
from bot.form_steps import redelivered as redelivered
from bot.form_steps import remember as remember
from bot.form_steps import save as save
from bot.form_steps import today as today
from bot.forms import (
    SUMMARY,
    Form,
    Kind,
    Question,
    data,
    nav_row,
    offered_key,
)
from bot.i18n import _, country_name, render
from bot.messaging import (
    as_typed,
    reply,
)
from bot.questions import pick_value, typed_value
from bot.services import services
from storage.drafts import DraftT

logger = logging.getLogger(__name__)

# Steps answered only by pressing a button (typing an option's label works too, unannounced).
BUTTONS_ONLY = (Kind.CHOICE, Kind.MULTI, Kind.CONSENT)


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
    if question.kind == Kind.PICK and (chosen := option_typed(question, text)) is not None:
        draft = await save(update, context, form, draft, question.key, pick_value(chosen))
        await ask(update, context, form, draft)
        return
    problem = check_text(question, text)
    if problem:
        await ask(update, context, form, draft, note=problem)
        return
    assert text is not None
    if question.kind == Kind.PICK:
        draft = await save(update, context, form, draft, question.key, typed_value(text.strip()))
        await ask(update, context, form, draft)
        return
    if question.kind == Kind.COUNTRY:
        await _country_typed(update, context, form, draft, question, text)
        return
    if question.look_up is not None:  # read with the database (e.g. a person by name)
        found = await question.look_up(update, context, text.strip())
        if found.offered:
            await _offer(update, context, form, draft, question, found.heading, [*found.offered])
            return
        value, problem = found.value, found.problem
    else:
        value, problem = form_kinds.read_answer(
            question, text, draft.answers, today(context, form, draft)
        )
    if problem is None and question.kind == Kind.DATE:
        problem = too_early(form, draft, value)
    if problem and question.offer is not None:
        heading, offered = question.offer(text, services(context).clock())
        if offered:
            await _offer(update, context, form, draft, question, heading, offered)
            return
    if problem:
        await ask(update, context, form, draft, note=problem)
        return
    if question.kind == Kind.EMAIL:  # an address is kept as validated, without stray spaces
        value = value.strip()
    draft = await save(update, context, form, draft, question.key, value)
    await ask(update, context, form, draft)


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


async def _offer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form[DraftT],
    draft: DraftT,
    question: Question,
    heading: str,
    offered: list[tuple[str, str]],
) -> None:
    """Offers the values close to what was typed as buttons; the draft keeps them, the buttons
    carry their index (a pointer, checked against the draft when pressed)."""
    values = [value for value, _label in offered]
    draft = await save(update, context, form, draft, offered_key(question), values, advance=False)
    rows = [
        [(label, data(form, draft, FormAction.OFFERED, i))] for i, (_v, label) in enumerate(offered)
    ]
    rows.append(nav_row(form, draft))
    await activate(context, form.slot)
    await reply(update, context, heading, rows)


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
