"""How a form takes answers: typed text and button presses, validated, saved, and the next step.

Every answer is committed (with the step it leads to) before the bot replies; a redelivered
update changes nothing; a button of an older step or draft gets a polite note instead of acting.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email
from telegram import Update
from telegram.ext import ContextTypes

from bot import countries, form_kinds
from bot.active_flow import NONE, activate, active_flow
from bot.forms import (
    SUMMARY,
    Form,
    Kind,
    Question,
    consent_needed,
    data,
    nav_row,
    parse_data,
    question_view,
    resume_rows,
)
from bot.i18n import _, country_name, format_day, render
from bot.messaging import (
    acknowledge,
    as_typed,
    close_buttons,
    pressed_on_latest,
    replace,
    reply,
)
from bot.services import services
from storage.drafts import Draft
from storage.people import REDELIVERY_WINDOW

logger = logging.getLogger(__name__)


async def ask(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form,
    draft: Draft,
    note: str | None = None,
) -> None:
    """Send the draft's current step as a new message."""
    await activate(context, form.slot)
    text, rows = question_view(form, draft, note)
    # A button on the newest message: that message becomes the next step (one edit, no clutter).
    if pressed_on_latest(update, context) and await replace(update, text, rows):
        return
    await reply(update, context, text, rows)


# -- answers ------------------------------------------------------------------------------------
def check_text(question: Question, text: str | None) -> str | None:
    """Why a typed answer cannot be taken, or None when it can."""
    if text is None:
        return _(
            "Please answer with a text message — photos, stickers and files can't be used here."
        )
    if not text.strip():
        return _("Your answer is empty. Please type your answer.")
    if text.startswith("/"):
        return unknown_command(text)
    if question.kind == Kind.TEXT and len(text.strip()) < question.min_length:
        return _(
            "That answer is very short. Please type it in full (at least {limit} characters)."
        ).format(limit=question.min_length)
    if len(text) > question.max_length:
        return _(
            "Your answer has {length} characters; this question allows at most {limit}. Please shorten it — your message is still in the chat to copy from."
        ).format(length=len(text), limit=question.max_length)
    if question.kind == Kind.EMAIL:
        try:
            validate_email(text.strip(), check_deliverability=False)
        except EmailNotValidError:
            return _(
                "That doesn't look like an e-mail address. Please check it (example: maria.mueller@bonn.de)."
            )
    return None


# user_data key: (draft id, question, answer) when an edit from the summary began, so that Back
# can undo what was ticked meanwhile (multiple choice saves each tick).
EDIT_START = "edit_start"

# Steps answered only by pressing a button (typing an option's label works too, unannounced).
BUTTONS_ONLY = (Kind.CHOICE, Kind.MULTI, Kind.CONSENT)


def unknown_command(text: str, typed: bool = True) -> str:
    """The note for a /command the bot does not know, typed in the middle of a form."""
    command = text.split()[0][:64]
    if not typed:
        return _("{command} is not a command I know. Please use the buttons below.").format(
            command=command
        )
    return _(
        "{command} is not a command I know. Please type your answer, or use the buttons."
    ).format(command=command)


async def save(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form,
    draft: Draft,
    key: str,
    value: Any,
    *,
    advance: bool = True,
) -> Draft:
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
    update: Update, context: ContextTypes.DEFAULT_TYPE, form: Form, draft: Draft
) -> None:
    """A redelivered update: if it was the last to change the draft, the process may have died
    before its reply went out, so the step it led to is shown (again); an older one is dropped."""
    if update.update_id == draft.last_update_id:
        await ask(update, context, form, draft)


def remember(context: ContextTypes.DEFAULT_TYPE, form: Form, draft: Draft | None) -> None:
    """Keep the draft in this process's cache; the database stays the source of truth.

    Only one bot process serves a token (see bot.lock), so this cache cannot go stale.
    """
    assert context.user_data is not None
    context.user_data[form.slot] = draft


async def cached_draft(
    context: ContextTypes.DEFAULT_TYPE, form_slot: str, load: Callable[[], Awaitable[Draft | None]]
) -> Draft | None:
    """The person's draft of this kind: from the cache, or loaded once after a restart."""
    assert context.user_data is not None
    if form_slot not in context.user_data:
        context.user_data[form_slot] = await load()
    return context.user_data[form_slot]


async def answer_typed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, form: Form, draft: Draft
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
        chosen = _option_typed(question, text)
        if chosen is None:
            await ask(
                update, context, form, draft, note=_("Please choose one of the buttons below.")
            )
            return
        if question.kind == Kind.MULTI:
            current = list(draft.answers.get(question.key) or [])
            value: Any = [*current, chosen] if chosen not in current else current
            saved: Draft | None = await save(
                update, context, form, draft, question.key, value, advance=False
            )
        else:
            value = chosen == "1" if question.kind == Kind.CONSENT else chosen
            saved = await _save_choice(update, context, form, draft, question, value)
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


def too_early(form: Form, draft: Draft, value: str) -> str | None:
    """Why a date (YYYY-MM-DD) is before the earliest the form allows, or None."""
    earliest = form.earliest(draft) if form.earliest else None
    if earliest is None or date.fromisoformat(value) >= earliest:
        return None
    return _("{date} is before the deployment started ({start}). Please check the date.").format(
        date=format_day(form_kinds.midday(date.fromisoformat(value))),
        start=format_day(form_kinds.midday(earliest)),
    )


def today(context: ContextTypes.DEFAULT_TYPE, form: Form, draft: Draft) -> date:
    """Today's date where the person is (their draft's time zone), by the bot's clock."""
    zone = form.zone_of(draft) if form.zone_of else "UTC"
    return services(context).clock().astimezone(ZoneInfo(zone)).date()


async def _attachment_received(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form,
    draft: Draft,
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


def _option_typed(question: Question, text: str | None) -> str | None:
    """The option whose label the person typed instead of pressing its button."""
    if not text:
        return None
    typed = text.strip().casefold()
    if question.kind == Kind.CONSENT:
        yes = {_("Yes").casefold(), _("Yes, I agree").casefold(), "yes", "ja"}
        no = {_("No").casefold(), "no", "nein"}
        return "1" if typed in yes else "0" if typed in no else None
    for option in question.options:
        if typed in (_(option.label).casefold(), option.value.casefold()):
            return option.value
    return None


async def _country_typed(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form,
    draft: Draft,
    question: Question,
    text: str,
) -> None:
    """Offers the countries matching the typed text as buttons to confirm."""
    found = countries.search(text, exclude=question.exclude_countries)
    if not found:
        note = _(
            "I couldn't find a country for “{text}”. Please type part of its name in German or English, e.g. “Ghana” or “Elfenbeinküste”."
        ).format(text=text[:100])
        await ask(update, context, form, draft, note=note)
        return
    rows = [[(country_name(code), data(form, draft, "k", code))] for code in found]
    rows.append([(_("None of these — type again"), data(form, draft, "r"))])
    rows.append(nav_row(form, draft))
    await reply(
        update, context, render("forms/countries", typed=text[:100], count=len(found)), rows
    )


async def _save_choice(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    form: Form,
    draft: Draft,
    question: Question,
    value: Any,
) -> Draft | None:
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
        saved = await _save_choice(update, context, form, draft, question, argument == "1")
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
