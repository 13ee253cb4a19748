"""How a form takes its buttons: an option, Back, Cancel, Skip, an edit, Submit; pausing and
resuming; a button of an older step or draft gets a polite note instead of acting."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from telegram import Update
from telegram.ext import ContextTypes

from bot import countries
from bot.active_flow import NONE, activate, active_flow
from bot.form_answers import (
    EDIT_START,
    answer_again,
    ask,
    redelivered,
    remember,
    save,
    save_choice,
    today,
    too_early,
)
from bot.forms import (
    SUMMARY,
    Form,
    Kind,
    Question,
    consent_needed,
    data,
    parse_data,
    question_view,
    resume_rows,
)
from bot.i18n import _, render
from bot.messaging import acknowledge, close_buttons, replace, reply
from bot.services import services
from storage.drafts import Draft

logger = logging.getLogger(__name__)


def discard_question(form: Form, draft: Draft) -> tuple[str, list[list[tuple[str, str]]]]:
    """Really discard? (Text and buttons; keeping the draft is the first choice.)"""
    if draft.reference:  # a revision: the submission itself stays
        text = _("Drop your changes to {reference}? It stays as it was submitted.").format(
            reference=draft.reference
        )
    else:
        text = _(
            "Discard this draft for good? All its answers will be deleted; this cannot be undone."
        )
    rows = [
        [(_("No, keep it"), data(form, draft, "o"))],
        [(_("🗑 Yes, discard it"), data(form, draft, "z", 1))],
    ]
    return text, rows


async def press_on_draft(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    draft: Draft | None,
    form_of: Callable[[Draft], Form],
    gone: str,
) -> None:
    """Hands a pressed button to the form when it belongs to the person's current draft.

    A button of an older (submitted, discarded) or someone else's draft gets `gone` as an alert
    and loses its buttons; callback data is only ever a pointer, checked against the database.
    """
    query = update.callback_query
    assert query is not None
    pressed = parse_data(query.data, form_of(draft)) if draft is not None else None
    if pressed is None or draft is None or draft.id != pressed.draft_id:
        await acknowledge(update, gone, alert=True)
        await close_buttons(update)
        return
    form = form_of(draft)
    await button_pressed(
        update, context, form, draft, pressed.step, pressed.action, pressed.argument
    )


async def button_pressed(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form,
    draft: Draft,
    step: str,
    action: str,
    argument: str,
) -> None:
    """Handles a button of the draft: an option, Back, Cancel, Skip, an edit, Submit."""
    if redelivered(update, draft, services(context).clock()):
        await answer_again(update, context, form, draft)
        return
    current = "s" if draft.step == SUMMARY else str(form._index.get(draft.step, 0))
    if action == "z" and argument != "1":  # discard, from the paused message: ask first
        await acknowledge(update)
        await close_buttons(update)
        await reply(update, context, *discard_question(form, draft))
        return
    if action == "z":  # discard, confirmed
        await acknowledge(update)
        await close_buttons(update)
        await services(context).db.run(form.store.discard, draft_id=draft.id)
        remember(context, form, None)
        await form.on_discarded(update, context, draft)
        return
    if action == "o":  # continue a paused (or any) draft where it stands
        await acknowledge(update)
        await close_buttons(update)
        await resume(update, context, form, draft)
        return
    if step != current or draft.paused:
        await acknowledge(
            update,
            _("This button belongs to an earlier step. Here is where you are now."),
            alert=False,
        )
        await close_buttons(update)
        if draft.paused:
            draft = await _move(context, form, draft, draft.step, draft.editing, paused=False)
        await ask(update, context, form, draft)
        return
    await acknowledge(update)
    question = form.question(draft.step)
    if action == "x":
        await close_buttons(update)
        await pause(update, context, form, draft)
        return
    if action == "b":
        previous = form.previous_step(draft.step, draft.answers)
        await close_buttons(update)
        if draft.editing:  # Back from an edit: the summary again, the answer as it was
            before = context.user_data.pop(EDIT_START, None) if context.user_data else None
            if (
                before is not None
                and before[:2] == (draft.id, draft.step)
                and draft.answers.get(draft.step) != before[2]  # ticks given meanwhile
            ):
                draft = await save(
                    update, context, form, draft, draft.step, before[2], advance=False
                )
            draft = await _move(context, form, draft, SUMMARY, False)
            await ask(update, context, form, draft)
            return
        if previous is None and form.on_first_back is not None:
            await form.on_first_back(update, context, draft)
            return
        if previous is None:
            await ask(update, context, form, draft, note=_("This is the first question."))
            return
        draft = await _move(context, form, draft, previous, False)
        await ask(update, context, form, draft)
        return
    if (
        action == "e"
        and draft.step == SUMMARY
        and argument.isdigit()
        and int(argument) < len(form.questions)
    ):
        await close_buttons(update)
        key = form.questions[int(argument)].key
        assert context.user_data is not None
        context.user_data[EDIT_START] = (draft.id, key, draft.answers.get(key))
        draft = await _move(context, form, draft, key, True)
        await ask(update, context, form, draft)
        return
    if action == "u" and draft.step == SUMMARY:
        missing = form.missing(draft.answers)
        await close_buttons(update)
        if missing:
            draft = await _move(context, form, draft, missing[0].key, True)
            refused = missing[0] in form.refused(draft.answers)
            note = (
                consent_needed(missing[0], at_summary=False)
                if refused
                else _("This answer is still missing.")
            )
            await ask(update, context, form, draft, note=note)
            return
        await form.on_submit(update, context, draft)
        return
    if question is None:
        await ask(update, context, form, draft)
        return
    await _question_button(update, context, form, draft, question, action, argument)


async def _question_button(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form,
    draft: Draft,
    question: Question,
    action: str,
    argument: str,
) -> None:
    options = question.options
    if action == "c" and question.kind == Kind.CONSENT:
        await close_buttons(update)
        saved = await save_choice(update, context, form, draft, question, argument == "1")
        if saved is not None:
            await ask(update, context, form, saved)
    elif action == "c" and argument.isdigit() and int(argument) < len(options):
        await close_buttons(update)
        draft = await save(update, context, form, draft, question.key, options[int(argument)].value)
        await ask(update, context, form, draft)
    elif action == "t" and argument.isdigit() and int(argument) < len(options):
        value = options[int(argument)].value
        chosen = list(draft.answers.get(question.key) or [])
        chosen = [v for v in chosen if v != value] if value in chosen else [*chosen, value]
        chosen = [o.value for o in options if o.value in chosen]  # keep the options' order
        draft = await save(update, context, form, draft, question.key, chosen, advance=False)
        text, rows = question_view(form, draft)
        await replace(update, text, rows)
    elif action == "y" and question.kind == Kind.DATE and argument in ("0", "1"):
        await close_buttons(update)
        day = today(context, form, draft) - timedelta(days=int(argument))
        problem = question.check(draft.answers, day.isoformat()) if question.check else None
        problem = problem or too_early(form, draft, day.isoformat())
        if problem:
            await ask(update, context, form, draft, note=problem)
            return
        draft = await save(update, context, form, draft, question.key, day.isoformat())
        await ask(update, context, form, draft)
    elif action == "w" and question.kind == Kind.ATTACHMENTS:
        await close_buttons(update)
        draft = await save(update, context, form, draft, question.key, [], advance=False)
        await ask(update, context, form, draft)
    elif action == "d" and question.kind in (Kind.MULTI, Kind.ATTACHMENTS):
        chosen = draft.answers.get(question.key) or []
        if not chosen and not question.optional:
            await acknowledge(update, _("Please choose at least one."), alert=True)
            return
        await close_buttons(update)
        draft = await save(update, context, form, draft, question.key, chosen)
        await ask(update, context, form, draft)
    elif (
        action == "k"
        and countries.is_country(argument)
        and argument.upper() not in question.exclude_countries
    ):
        await close_buttons(update)
        draft = await save(update, context, form, draft, question.key, argument.upper())
        await ask(update, context, form, draft)
    elif action == "r":
        await close_buttons(update)
        await ask(update, context, form, draft)
    elif action == "p":
        await close_buttons(update)
        draft = await save(
            update, context, form, draft, question.key, draft.answers.get(question.key)
        )
        await ask(update, context, form, draft)
    elif action == "s" and question.optional:
        await close_buttons(update)
        empty = [] if question.kind in (Kind.MULTI, Kind.ATTACHMENTS) else ""
        draft = await save(update, context, form, draft, question.key, empty)
        await ask(update, context, form, draft)
    elif (
        action == "a"
        and form.on_extra
        and argument.isdigit()
        and int(argument) < len(question.extra)
    ):
        await close_buttons(update)
        await form.on_extra(update, context, draft, question, question.extra[int(argument)].value)
    else:
        logger.warning("unknown form button %r %r on %s", action, argument, draft.step)
        await ask(update, context, form, draft)


async def pause(
    update: Update, context: ContextTypes.DEFAULT_TYPE, form: Form, draft: Draft
) -> None:
    """Pauses the draft (Cancel): typed text is no longer taken as an answer; nothing is lost."""
    draft = await hold(context, form, draft)
    await reply(
        update, context, render("forms/paused", title=_(form.title)), resume_rows(form, draft)
    )


async def resume(
    update: Update, context: ContextTypes.DEFAULT_TYPE, form: Form, draft: Draft
) -> None:
    """Continue the draft where it stands (unpaused, so typed text is its answer again)."""
    if draft.paused:
        draft = await _move(context, form, draft, draft.step, draft.editing, paused=False)
    await ask(update, context, form, draft)


async def hold(context: ContextTypes.DEFAULT_TYPE, form: Form, draft: Draft) -> Draft:
    """Pause the draft without a word (the caller says what happens instead): typed text is
    no longer taken as its answer until the person continues it."""
    draft = await _move(context, form, draft, draft.step, draft.editing, paused=True)
    if active_flow(context) == form.slot:
        await activate(context, NONE)
    return draft


async def _move(
    context: ContextTypes.DEFAULT_TYPE,
    form: Form,
    draft: Draft,
    step: str,
    editing: bool,
    paused: bool = False,
) -> Draft:
    moved = await services(context).db.run(
        form.store.move, draft_id=draft.id, step=step, editing=editing, paused=paused
    )
    remember(context, form, moved)
    return moved
