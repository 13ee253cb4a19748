"""How the current question takes its buttons: an option, a tick, a day, a country, Done, Keep,
Skip, an extra option. Each handler says whether the button applies to the question; when it does
not (a forged or outdated press), the form shows the step again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram import Update
from telegram.ext import ContextTypes

from bot import countries
from bot.callbacks import FormAction
from bot.form_answers import ask, save, save_choice, today, too_early
from bot.forms import AnyForm, Form, Kind, Question, question_view
from bot.i18n import _
from bot.messaging import acknowledge, close_buttons, replace
from storage.drafts import Draft, DraftT

AnswerPress = Callable[
    [Update, ContextTypes.DEFAULT_TYPE, AnyForm, Draft, Question, str], Awaitable[bool]
]


def index_below(argument: str, count: int) -> bool:
    return argument.isdigit() and int(argument) < count


async def _choice(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form[DraftT],
    draft: DraftT,
    question: Question,
    argument: str,
) -> bool:
    if question.kind == Kind.CONSENT:
        await close_buttons(update)
        saved = await save_choice(update, context, form, draft, question, argument == "1")
        if saved is not None:
            await ask(update, context, form, saved)
        return True
    if not index_below(argument, len(question.options)):
        return False
    await close_buttons(update)
    value = question.options[int(argument)].value
    draft = await save(update, context, form, draft, question.key, value)
    await ask(update, context, form, draft)
    return True


async def _tick(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form[DraftT],
    draft: DraftT,
    question: Question,
    argument: str,
) -> bool:
    options = question.options
    if not index_below(argument, len(options)):
        return False
    value = options[int(argument)].value
    chosen = list(draft.answers.get(question.key) or [])
    chosen = [v for v in chosen if v != value] if value in chosen else [*chosen, value]
    chosen = [o.value for o in options if o.value in chosen]  # keep the options' order
    draft = await save(update, context, form, draft, question.key, chosen, advance=False)
    text, rows = question_view(form, draft)
    await replace(update, text, rows)
    return True


async def _day(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form[DraftT],
    draft: DraftT,
    question: Question,
    argument: str,
) -> bool:
    if not (question.kind == Kind.DATE and argument in ("0", "1")):
        return False
    await close_buttons(update)
    day = today(context, form, draft) - timedelta(days=int(argument))
    problem = question.check(draft.answers, day.isoformat()) if question.check else None
    problem = problem or too_early(form, draft, day.isoformat())
    if problem:
        await ask(update, context, form, draft, note=problem)
        return True
    draft = await save(update, context, form, draft, question.key, day.isoformat())
    await ask(update, context, form, draft)
    return True


async def _remove_files(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form[DraftT],
    draft: DraftT,
    question: Question,
    argument: str,
) -> bool:
    if question.kind != Kind.ATTACHMENTS:
        return False
    await close_buttons(update)
    draft = await save(update, context, form, draft, question.key, [], advance=False)
    await ask(update, context, form, draft)
    return True


async def _done(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form[DraftT],
    draft: DraftT,
    question: Question,
    argument: str,
) -> bool:
    if question.kind not in (Kind.MULTI, Kind.ATTACHMENTS):
        return False
    chosen = draft.answers.get(question.key) or []
    if not chosen and not question.optional:
        await acknowledge(update, _("Please choose at least one."), alert=True)
        return True
    await close_buttons(update)
    draft = await save(update, context, form, draft, question.key, chosen)
    await ask(update, context, form, draft)
    return True


async def _country(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form[DraftT],
    draft: DraftT,
    question: Question,
    argument: str,
) -> bool:
    if not countries.is_country(argument) or argument.upper() in question.exclude_countries:
        return False
    await close_buttons(update)
    draft = await save(update, context, form, draft, question.key, argument.upper())
    await ask(update, context, form, draft)
    return True


async def _retype(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form[DraftT],
    draft: DraftT,
    question: Question,
    argument: str,
) -> bool:
    await close_buttons(update)
    await ask(update, context, form, draft)
    return True


async def _keep(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form[DraftT],
    draft: DraftT,
    question: Question,
    argument: str,
) -> bool:
    await close_buttons(update)
    draft = await save(update, context, form, draft, question.key, draft.answers.get(question.key))
    await ask(update, context, form, draft)
    return True


async def _skip(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form[DraftT],
    draft: DraftT,
    question: Question,
    argument: str,
) -> bool:
    if not question.optional:
        return False
    await close_buttons(update)
    empty = [] if question.kind in (Kind.MULTI, Kind.ATTACHMENTS) else ""
    draft = await save(update, context, form, draft, question.key, empty)
    await ask(update, context, form, draft)
    return True


async def _another(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form[DraftT],
    draft: DraftT,
    question: Question,
    argument: str,
) -> bool:
    """An extra option of the question (handled by the form, e.g. "I don't know yet")."""
    if form.on_extra is None or not index_below(argument, len(question.extra)):
        return False
    await close_buttons(update)
    await form.on_extra(update, context, draft, question, question.extra[int(argument)].value)
    return True


ANSWER_BUTTONS: dict[FormAction, AnswerPress] = {
    FormAction.CHOICE: _choice,
    FormAction.TICK: _tick,
    FormAction.DAY: _day,
    FormAction.REMOVE: _remove_files,
    FormAction.DONE: _done,
    FormAction.COUNTRY: _country,
    FormAction.RETYPE: _retype,
    FormAction.KEEP: _keep,
    FormAction.SKIP: _skip,
    FormAction.ANOTHER: _another,
}
