"""How the current question takes its buttons: an option, a tick, a day, a country, Done, Keep,
Skip, an extra option. Each handler says whether the button applies to the question; when it does
not (a forged or outdated press), the form shows the step again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot import countries
from bot.answer_checks import too_early
from bot.buttons.form import FormAction
from bot.form_answers import ask, save, save_choice, today
from bot.forms import AnyForm, Kind, Question, offered_key
from bot.i18n import _
from bot.messaging import acknowledge, close_buttons, replace
from bot.questions import pick_value
from bot.step_views import question_view
from storage.drafts import Draft


@dataclass(frozen=True)
class Press:
    """A press on one of the current question's buttons, with what it is about."""

    update: Update
    context: ContextTypes.DEFAULT_TYPE
    form: AnyForm
    draft: Draft
    question: Question

    async def answer(self, value: Any) -> bool:
        """The pressed value is the question's answer: buttons closed, saved, next step."""
        await close_buttons(self.update)
        draft = await save(
            self.update, self.context, self.form, self.draft, self.question.key, value
        )
        await ask(self.update, self.context, self.form, draft)
        return True

    async def again(self, draft: Draft, note: str | None = None) -> bool:
        """The (updated) step asked again, with a note if there is one."""
        await ask(self.update, self.context, self.form, draft, note=note)
        return True


AnswerPress = Callable[[Press, str], Awaitable[bool]]


def index_below(argument: str, count: int) -> bool:
    return argument.isdigit() and int(argument) < count


async def _choice(press: Press, argument: str) -> bool:
    question = press.question
    if question.kind == Kind.CONSENT:
        await close_buttons(press.update)
        saved = await save_choice(
            press.update, press.context, press.form, press.draft, question, argument == "1"
        )
        return True if saved is None else await press.again(saved)
    if not index_below(argument, len(question.options)):
        return False
    value = question.options[int(argument)].value
    return await press.answer(pick_value(value) if question.kind == Kind.PICK else value)


async def _offered(press: Press, argument: str) -> bool:
    """One of the values offered for what was typed (read again: the draft is the truth)."""
    question = press.question
    values = press.draft.answers.get(offered_key(question)) or []
    offers = question.offer is not None or question.look_up is not None
    if not offers or not index_below(argument, len(values)):
        return False
    if question.look_up is not None:
        found = await question.look_up(press.update, press.context, values[int(argument)])
        value, problem = found.value, "" if found.offered else found.problem
    else:
        value, problem = question.read(values[int(argument)]) if question.read else (None, "")
    if problem is not None:
        await close_buttons(press.update)
        return await press.again(press.draft, note=problem or None)
    return await press.answer(value)


async def _tick(press: Press, argument: str) -> bool:
    question, options = press.question, press.question.options
    if not index_below(argument, len(options)):
        return False
    value = options[int(argument)].value
    chosen = list(press.draft.answers.get(question.key) or [])
    chosen = [v for v in chosen if v != value] if value in chosen else [*chosen, value]
    chosen = [o.value for o in options if o.value in chosen]  # keep the options' order
    draft = await save(
        press.update, press.context, press.form, press.draft, question.key, chosen, advance=False
    )
    text, rows = question_view(press.form, draft, today(press.context, press.form, draft))
    await replace(press.update, text, rows)
    return True


async def _day(press: Press, argument: str) -> bool:
    question, form, draft = press.question, press.form, press.draft
    if not (question.kind == Kind.DATE and argument in ("0", "1")):
        return False
    day = today(press.context, form, draft) - timedelta(days=int(argument))
    problem = question.check(draft.answers, day.isoformat()) if question.check else None
    problem = problem or too_early(form, draft, day.isoformat())
    if problem:
        await close_buttons(press.update)
        return await press.again(draft, note=problem)
    return await press.answer(day.isoformat())


async def _remove_files(press: Press, argument: str) -> bool:
    if press.question.kind != Kind.ATTACHMENTS:
        return False
    await close_buttons(press.update)
    draft = await save(
        press.update, press.context, press.form, press.draft, press.question.key, [], advance=False
    )
    return await press.again(draft)


async def _done(press: Press, argument: str) -> bool:
    question = press.question
    if question.kind not in (Kind.MULTI, Kind.ATTACHMENTS):
        return False
    chosen = press.draft.answers.get(question.key) or []
    if not chosen and not question.optional:
        await acknowledge(press.update, _("Please choose at least one."), alert=True)
        return True
    return await press.answer(chosen)


async def _country(press: Press, argument: str) -> bool:
    if not countries.is_country(argument) or argument.upper() in press.question.exclude_countries:
        return False
    return await press.answer(argument.upper())


async def _retype(press: Press, argument: str) -> bool:
    await close_buttons(press.update)
    return await press.again(press.draft)


async def _keep(press: Press, argument: str) -> bool:
    return await press.answer(press.draft.answers.get(press.question.key))


async def _skip(press: Press, argument: str) -> bool:
    question = press.question
    if not question.optional:
        return False
    return await press.answer([] if question.kind in (Kind.MULTI, Kind.ATTACHMENTS) else "")


async def _another(press: Press, argument: str) -> bool:
    """An extra option of the question (handled by the form, e.g. "I don't know yet")."""
    form, question = press.form, press.question
    if form.on_extra is None or not index_below(argument, len(question.extra)):
        return False
    await close_buttons(press.update)
    await form.on_extra(
        press.update, press.context, press.draft, question, question.extra[int(argument)].value
    )
    return True


ANSWER_BUTTONS: dict[FormAction, AnswerPress] = {
    FormAction.CHOICE: _choice,
    FormAction.TICK: _tick,
    FormAction.DAY: _day,
    FormAction.REMOVE: _remove_files,
    FormAction.DONE: _done,
    FormAction.COUNTRY: _country,
    FormAction.OFFERED: _offered,
    FormAction.RETYPE: _retype,
    FormAction.KEEP: _keep,
    FormAction.SKIP: _skip,
    FormAction.ANOTHER: _another,
}
