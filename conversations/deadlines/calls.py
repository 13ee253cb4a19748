"""/call (coordinators): open a call for expressions of interest — programme, closing date,
optional partner countries; everyone with an unsubmitted draft for it gets reminded.

A form of the one form engine (bot.forms): its draft waits in the database (a restart loses
nothing), Back, Cancel (pause), the summary's edits and a wrong answer's re-ask are the engine's.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import countries, form_answers, form_buttons
from bot.buttons.deadlines import CallProgramme, CallStep, EntryButton
from bot.buttons.form import FormButton
from bot.contributions import Audience, Command, Contribution, OpenForm
from bot.forms import AnyForm, Draft, DraftStore, Form
from bot.i18n import N_, _, country_name, render
from bot.main_menu import main_menu_rows
from bot.messaging import acknowledge, close_buttons, reply
from bot.open_forms import pause_other_forms
from bot.outbox import wake_dispatcher
from bot.ptb_types import Handler
from bot.questions import Kind, Option, Question
from bot.roles import NOT_MY_PROGRAMME, coordinators_only, my_programmes
from bot.services import services
from bot.vocabulary import PROGRAMMES
from storage import call_drafts as store
from storage.local_time import DEFAULT_ZONE


def _countries_read(text: str) -> tuple[Any, str | None]:
    """Partner countries typed by name, separated by commas: their codes, or why not."""
    codes, unknown = [], []
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        found = countries.search(part, exclude=frozenset({"DE"}), fuzzy=False)
        exact = bool(found) and part.casefold() in (
            found[0].casefold(),
            country_name(found[0]).casefold(),
        )
        if found and (len(found) == 1 or exact):
            codes.append(found[0])
        else:
            unknown.append(part)
    if unknown or not codes:
        return None, _(
            "I couldn't tell which country “{text}” is. Please type full country names separated by commas, e.g. “Ghana, Kenya”."
        ).format(text=", ".join(unknown)[:80] or text[:80])
    return sorted(set(codes)), None


def _countries_shown(value: Any) -> str:
    """The partner countries by name; none (skipped): all."""
    return ", ".join(country_name(code) for code in value) if value else _("all")


QUESTIONS = (
    Question(
        "programme",
        Kind.CHOICE,
        N_("Programme"),
        N_(
            "For which programme? Everyone with an unsubmitted draft for it will be reminded 7 days and 1 day before the closing date and on the day."
        ),
        options=tuple(Option(code, label) for code, label in PROGRAMMES.items()),
    ),
    Question(
        "date",
        Kind.DATE,
        N_("Closing date"),
        N_(
            "What is the closing date? Expressions of interest are due by 23:59 German time that day."
        ),
        future=True,
        past=False,
    ),
    Question(
        "countries",
        Kind.TEXT,
        N_("Partner countries"),
        N_(
            "Is the call only for some partner countries? Type them separated by commas, or press “All countries”."
        ),
        N_("Ghana, Kenya"),
        optional=True,
        read=_countries_read,
        show=_countries_shown,
        skip_label=N_("🌍 All countries"),
    ),
)


async def call_submitted(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    """Opens the call; the people with a matching draft get their deadline and reminders."""
    svc = services(context)
    programme = draft.answers.get("programme")
    if programme not in my_programmes(update, context):  # the other programme's: change it
        name = _(PROGRAMMES.get(programme or "", programme or ""))
        note = _(NOT_MY_PROGRAMME) % {"programme": name}
        await form_answers.ask(update, context, FORM, draft, note=note)
        return
    call = await svc.db.run(store.open_from_draft, draft_id=draft.id, now=svc.clock())
    form_answers.remember(context, FORM, None)
    if call is None:
        note = _("That button no longer works. Please send {command} again.")
        await reply(update, context, note.format(command="/call"))
        return
    await reply(
        update, context, render("deadlines/call_opened", people=call.people), main_menu_rows()
    )
    wake_dispatcher(context)


async def call_discarded(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    """Nothing was opened."""
    await reply(update, context, _("Cancelled — nothing was saved."), main_menu_rows())


FORM = Form(
    name="call",
    title=N_("Open a call for expressions of interest"),
    questions=QUESTIONS,
    store=DraftStore(save=store.save_answer, move=store.move_draft, discard=store.discard_draft),
    on_submit=call_submitted,
    on_discarded=call_discarded,
    prefix="call",
    slot="call",
    submit_label=N_("✅ Open the call"),
    zone_of=lambda draft: DEFAULT_ZONE,  # the closing day is a German day (23:59 German time)
)


async def current_draft(context: ContextTypes.DEFAULT_TYPE, person_id: int) -> Draft | None:
    """The coordinator's /call in progress (cached in this process after the first look-up)."""
    svc = services(context)
    return await form_answers.cached_draft(
        context, FORM.slot, lambda: svc.db.run(store.current_draft, person_id=person_id)
    )


async def _open_draft(
    context: ContextTypes.DEFAULT_TYPE, person_id: int
) -> tuple[AnyForm, Draft] | None:
    """The person's /call with its form, for the menu, /cancel and pausing."""
    draft = await current_draft(context, person_id)
    return None if draft is None else (FORM, draft)


async def call_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A new /call (an unfinished one is dropped: a call is three answers, quickly given)."""
    await acknowledge(update)
    await close_buttons(update)
    assert update.effective_user is not None
    await pause_other_forms(update, context, keep=FORM.slot)
    svc = services(context)
    draft = await svc.db.run(
        store.start_draft,
        person_id=update.effective_user.id,
        step=FORM.first_step(),
        now=svc.clock(),
    )
    form_answers.remember(context, FORM, draft)
    await form_answers.ask(update, context, FORM, draft)


async def form_button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Hands a button of the coordinator's own /call to the form (role checked again)."""
    assert update.effective_user is not None
    draft = await current_draft(context, update.effective_user.id)
    gone = _("This button belongs to a form that was already submitted or discarded.")
    await form_buttons.press_on_draft(update, context, draft, lambda _draft: FORM, gone)


async def older_button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button of /call from before it was a form (`dl|cp|…`, `dl|ca`, `dl|cb`, `dl|cy`)."""
    await acknowledge(update)
    await close_buttons(update)
    note = _("That button no longer works. Please send {command} again.")
    await reply(update, context, note.format(command="/call"))


def setup() -> Contribution:
    """/call and its buttons (group 0)."""
    older = [
        CallProgramme.pattern(),
        *(EntryButton.pattern(step=s) for s in (CallStep.ALL_COUNTRIES, CallStep.BACK)),
        EntryButton.pattern(step=CallStep.CONFIRMED),
    ]
    handlers: list[Handler] = [
        CommandHandler("call", coordinators_only(call_requested)),
        CallbackQueryHandler(
            coordinators_only(form_button_pressed),
            pattern=FormButton.of_form(FORM.prefix).pattern(),
        ),
        *(
            CallbackQueryHandler(coordinators_only(older_button_pressed), pattern=pattern)
            for pattern in older
        ),
    ]
    return Contribution(
        handlers,
        open_forms=[
            OpenForm(
                FORM.slot, _open_draft, coordinators_only=True, answered_by="experts", kind="call"
            )
        ],
        commands=[
            Command(
                "call",
                N_("open a call for expressions of interest"),
                audience=Audience.COORDINATORS,
            )
        ],
    )
