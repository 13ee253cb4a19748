"""/deadline (coordinators): a deadline of their own for one person or deployment — who, what,
by when; the person is reminded like for any other deadline."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import entries
from bot.buttons.deadlines import CallStep, EntryButton, PersonPicked
from bot.contributions import Audience, Command, Contribution, TypedStep
from bot.form_kinds import example_day, typed_day
from bot.i18n import N_, _, ngettext, render
from bot.main_menu import main_menu_rows
from bot.messaging import Button, acknowledge, close_buttons, reply
from bot.outbox import wake_dispatcher
from bot.ptb_types import Handler
from bot.roles import coordinators_only, my_programmes
from bot.services import services
from storage import custom_deadlines, people_search, preferences
from storage.local_time import end_of_day, local
from storage.preferences import Entry

FLOW = "deadline"
# A Telegram id, an @username or a deployment number: looked up as such, never as a name.
_EXPLICIT = re.compile(r"(?i)@\S*|\d+|#\d+|(?:d|deployment\s*|einsatz\s*)\d+")
MAX_TITLE = 300


def _cancel_row() -> list[Button]:
    return [(_("✖️ Cancel"), EntryButton(CallStep.CANCEL).pack())]


def _example(context: ContextTypes.DEFAULT_TYPE) -> str:
    """A due date to show as the example: two months from today, typed as the reader types."""
    return typed_day(example_day(services(context).clock().date(), 2))


def _date_question(context: ContextTypes.DEFAULT_TYPE) -> str:
    return render("deadlines/custom_date", example=_example(context))


def _nav_row() -> list[Button]:
    return [
        (_("◀️ Back"), EntryButton(CallStep.DEADLINE_BACK).pack()),
        (_("✖️ Cancel"), EntryButton(CallStep.CANCEL).pack()),
    ]


async def deadline_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Asks whom the deadline is for (step 1 of 3)."""
    assert update.effective_user is not None
    await entries.wait_for(context, update.effective_user.id, FLOW, "holder", {})
    await reply(update, context, render("deadlines/custom_holder"), [_cancel_row()])


async def deadline_typed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, entry: Entry, text: str
) -> None:
    """Takes who, then what, then by when; each answer is stored before the next question."""
    user = update.effective_user
    assert user is not None
    svc = services(context)
    if entry.step == "holder":
        mine = my_programmes(update, context)
        holder = await svc.db.run(custom_deadlines.find_holder, text=text, programmes=mine)
        if holder is None and not _EXPLICIT.fullmatch(text):
            await _search_by_name(update, context, text)
            return
        if holder is None:
            note = _(
                "I don't know “{text}”. Please type the Telegram id or @username of someone who has written to the bot, or a deployment number like #7."
            ).format(text=html.escape(text[:64]))
            await reply(update, context, note, [_cancel_row()])
            return
        if holder.several:
            note = _(
                "Several people who wrote to the bot have used “{text}”. Please type the Telegram id of the one you mean."
            ).format(text=html.escape(text[:64]))
            await reply(update, context, note, [_cancel_row()])
            return
        answers = {
            "person_id": holder.person_id,
            "deployment_id": holder.deployment_id,
            "name": holder.name,
        }
        await _holder_chosen(update, context, answers)
        return
    if entry.step == "title":
        if len(text) > MAX_TITLE or not text:
            note = _("Please describe it in at most {limit} characters.").format(limit=MAX_TITLE)
            await reply(update, context, note, [_nav_row()])
            return
        await entries.wait_for(context, user.id, FLOW, "date", {**entry.answers, "title": text})
        await reply(update, context, _date_question(context), [_nav_row()])
        return
    if entry.step == "confirm":  # the summary waits for a button, not for text
        await _summary(update, context, entry.answers)
        return
    day = entries.parse_day(text)
    zone = "Europe/Berlin"
    if entry.answers.get("person_id"):
        zone = (
            await svc.db.run(preferences.settings_of, person_id=entry.answers["person_id"])
        ).zone
    if day is None:
        note = _("I can't read “{text}” as a date. Please type it like {example}.").format(
            text=html.escape(text[:40]), example=_example(context)
        )
        await reply(update, context, note, [_cancel_row()])
        return
    if day < local(svc.clock(), zone).date():
        note = _("This date lies in the past. Please type a date from today on.")
        await reply(update, context, note, [_cancel_row()])
        return
    answers = {**entry.answers, "date": day.isoformat(), "zone": zone}
    await entries.wait_for(context, user.id, FLOW, "confirm", answers)
    await _summary(update, context, answers)


async def _holder_chosen(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answers: dict[str, Any]
) -> None:
    user = update.effective_user
    assert user is not None
    await entries.wait_for(context, user.id, FLOW, "title", answers)
    await reply(update, context, render("deadlines/custom_title", **answers), [_nav_row()])


async def _search_by_name(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Not an id, @username or deployment: people whose name contains the text, to pick."""
    mine = my_programmes(update, context)
    found, total = await services(context).db.run(
        people_search.find_people, text=text, programmes=mine
    )
    shown = html.escape(text[:64])
    if not found:
        note = _(
            "I found nobody called “{text}” among the people who have written to the bot. Please type part of their first name, their @username or Telegram id, or a deployment number like #7."
        ).format(text=shown)
        await reply(update, context, note, [_cancel_row()])
        return
    note = ngettext(
        "One person matches “{text}”. Is it them?",
        "{count} people match “{text}”. Please pick one.",
        total,
    ).format(count=total, text=shown)
    if total > len(found):
        note += "\n" + _(
            "Only the first {shown} are shown: type more of the name to narrow it down."
        ).format(shown=len(found))
    rows = [[(_label(match), PersonPicked(match.id).pack())] for match in found]
    await reply(update, context, note, [*rows, _cancel_row()])


def _label(match: people_search.Match) -> str:
    """A person as a button shows them: name, @username and id (names are not unique)."""
    handle = f" @{match.username}" if match.username else ""
    return f"{match.first_name or '?'}{handle} · {match.id}"[:60]


async def person_picked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The coordinator picked the person the deadline is for from the names found."""
    entry = await entries.pressed_step(update, context, FLOW, "/deadline", ("holder",))
    if entry is None:
        return
    picked = PersonPicked.of(update)
    holder = await services(context).db.run(
        custom_deadlines.find_holder,
        text=str(picked.person_id),
        programmes=my_programmes(update, context),
    )
    if holder is None or holder.person_id != picked.person_id:
        await deadline_requested(update, context)
        return
    answers = {"person_id": holder.person_id, "deployment_id": None, "name": holder.name}
    await _holder_chosen(update, context, answers)


async def _summary(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answers: dict[str, Any]
) -> None:
    text = render(
        "deadlines/custom_summary",
        name=answers["name"],
        person_id=answers["person_id"],
        deployment_id=answers["deployment_id"],
        title=answers["title"],
        day=date.fromisoformat(answers["date"]),
        zone=answers["zone"],
    )
    await reply(
        update,
        context,
        text,
        [[(_("✅ Set the deadline"), EntryButton(CallStep.DEADLINE_CONFIRMED).pack())], _nav_row()],
    )


async def deadline_back_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Goes one step back in /deadline (the answers before it are kept)."""
    entry = await entries.pressed_step(update, context, FLOW, "/deadline")
    if entry is None:
        return
    user = update.effective_user
    assert user is not None
    if entry.step == "title":
        await deadline_requested(update, context)
        return
    if entry.step == "date":
        answers = {k: v for k, v in entry.answers.items() if k != "title"}
        await entries.wait_for(context, user.id, FLOW, "title", answers)
        await reply(update, context, render("deadlines/custom_title", **answers), [_nav_row()])
        return
    answers = {k: v for k, v in entry.answers.items() if k not in ("date", "zone")}
    await entries.wait_for(context, user.id, FLOW, "date", answers)
    await reply(update, context, _date_question(context), [_nav_row()])


async def deadline_confirmed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stores the deadline with its reminders and confirms."""
    entry = await entries.pressed_step(update, context, FLOW, "/deadline", ("confirm",))
    if entry is None:
        return
    user = update.effective_user
    assert user is not None
    svc = services(context)
    answers = entry.answers
    await svc.db.run(
        custom_deadlines.add_custom_deadline,
        person_id=answers["person_id"],
        deployment_id=answers["deployment_id"],
        title=answers["title"],
        due_at=end_of_day(date.fromisoformat(answers["date"]), answers["zone"]),
        created_by=user.id,
        now=svc.clock(),
    )
    await entries.finish(context, user.id)
    await reply(update, context, _("✅ The deadline is set. The reminders are planned."))
    wake_dispatcher(context)


async def deadline_cancelled(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ends /deadline without saving anything."""
    await acknowledge(update)
    await close_buttons(update)
    assert update.effective_user is not None
    await entries.finish(context, update.effective_user.id)
    await reply(update, context, _("Cancelled — nothing was saved."), main_menu_rows())


def setup() -> Contribution:
    """/deadline and its buttons (group 0)."""
    handlers: list[Handler] = [
        CommandHandler("deadline", coordinators_only(deadline_requested)),
        CallbackQueryHandler(
            coordinators_only(deadline_confirmed),
            pattern=EntryButton.pattern(step=CallStep.DEADLINE_CONFIRMED),
        ),
        CallbackQueryHandler(coordinators_only(person_picked), pattern=PersonPicked.pattern()),
        CallbackQueryHandler(
            coordinators_only(deadline_back_pressed),
            pattern=EntryButton.pattern(step=CallStep.DEADLINE_BACK),
        ),
        CallbackQueryHandler(
            coordinators_only(deadline_cancelled), pattern=EntryButton.pattern(step=CallStep.CANCEL)
        ),
    ]
    return Contribution(
        handlers,
        typed_steps={FLOW: TypedStep(coordinators_only(deadline_typed), "/deadline")},
        commands=[
            Command(
                "deadline",
                N_("set a deadline for a person or a deployment"),
                audience=Audience.COORDINATORS,
            )
        ],
    )
