"""/settings: the time zone reminders follow and, for coordinators, single notices or a digest."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from babel.dates import format_time
from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import countries, form_answers, form_buttons
from bot.active_flow import activate
from bot.buttons.deadlines import DigestChosen, SettingsAction, SettingsButton, ZoneChosen
from bot.buttons.form import FormButton
from bot.buttons.menu import Menu, MenuItem
from bot.contributions import Command, Contribution, OpenForm
from bot.forms import AnyForm, Draft, DraftStore, Form
from bot.i18n import N_, _, country_name, current_language, render
from bot.messaging import Button, acknowledge, close_buttons, reply
from bot.open_forms import pause_other_forms
from bot.ptb_types import Handler
from bot.questions import Kind, Question
from bot.roles import coordinators_only
from bot.services import services
from storage import preferences
from storage.local_time import known_zones, local, zones_of_country
from storage.preferences import ZONE_DRAFTS as DRAFTS
from storage.preferences import SettingsView

FLOW = "zone"
COMMAND_DESCRIPTION = N_("Time zone and notifications")
MAX_ZONE_BUTTONS = 8


def _local_time(now: datetime, zone: str) -> str:
    return format_time(local(now, zone), format="short", locale=current_language())


def _settings_view(
    context: ContextTypes.DEFAULT_TYPE, user_id: int, settings: SettingsView
) -> tuple[str, list[list[Button]]]:
    """The settings text and buttons, in the reader's language."""
    coordinator = services(context).is_coordinator(user_id)
    text = render(
        "settings/overview",
        zone=settings.zone,
        own_zone=settings.own_zone,
        time=_local_time(services(context).clock(), settings.zone),
        coordinator=coordinator,
        digest=settings.digest,
    )
    rows: list[list[Button]] = [
        [(_("🕒 Change time zone"), SettingsButton(SettingsAction.ZONE).pack())]
    ]
    if coordinator:
        each, digest = _("One message per event"), _("Daily digest at 08:00")
        rows.append(
            [
                (("✅ " if not settings.digest else "") + each, DigestChosen(0).pack()),
                (("✅ " if settings.digest else "") + digest, DigestChosen(1).pack()),
            ]
        )
    rows.append([(_("🏠 Menu"), Menu(MenuItem.HOME).pack())])
    return text, rows


async def settings_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Shows the time zone (and for coordinators the notification choice) with buttons."""
    await acknowledge(update)
    user = update.effective_user
    assert user is not None
    settings = await services(context).db.run(preferences.settings_of, person_id=user.id)
    text, rows = _settings_view(context, user.id, settings)
    await reply(update, context, text, rows)


def _zone_typed_exactly(text: str) -> str | None:
    """A zone typed by its name ("Africa/Accra") or by its city ("Accra", "Sao Paulo")."""
    wanted = text.strip().replace(" ", "_").casefold()
    for zone in known_zones():
        if wanted in (zone.casefold(), zone.rsplit("/", 1)[-1].casefold()):
            return zone
    return None


def _zones_for(text: str) -> tuple[list[tuple[str, str]], bool]:
    """(country, zone) pairs for a typed country, capped; and whether the name only looks like
    a country's (such a name is offered, never taken without a press)."""
    found = countries.search(text, fuzzy=False)
    alike = not found
    found = found or countries.search(text)
    options = [(code, z) for code in found for z in zones_of_country(code)][:MAX_ZONE_BUTTONS]
    return options, alike


def _zone_read(text: str) -> tuple[str | None, str | None]:
    """A time zone or a country with one zone: the zone; else why it cannot be taken."""
    zone = _zone_typed_exactly(text)
    if zone:
        return zone, None
    options, alike = _zones_for(text)
    if len(options) == 1 and not alike:
        return options[0][1], None
    return None, _(
        "I couldn't find a country or time zone for “{text}”. Please type a country (e.g. Ghana) or a time zone (e.g. Africa/Accra)."
    ).format(text=text[:60])


def _zones_offered(text: str, now: datetime) -> tuple[str, list[tuple[str, str]]]:
    """The zones of the countries matching the text, each with its local time now."""
    options, _alike = _zones_for(text)
    # Several zones: the main one first, then west to east, capped; any other can be typed.
    heading = "{question}\n\n{hint}".format(
        question=_("Which of these is your time zone?"),
        hint=_("Not in the list? Type the name of your time zone, e.g. “America/Chicago”."),
    )
    return heading, [
        (z, f"{country_name(code)} · {z} ({_local_time(now, z)})") for code, z in options
    ]


def _zone_asked(answers: Mapping[str, Any]) -> str:
    return "{question}\n\n{hint}".format(
        question=_("Which time zone are you in?"),
        hint=_("Type your country, e.g. “Ghana”, or a time zone, e.g. “Africa/Accra”."),
    )


QUESTIONS = (
    Question(
        "zone",
        Kind.TEXT,
        N_("Time zone"),
        N_("Which time zone are you in?"),
        min_length=1,
        words=False,
        max_length=100,
        read=_zone_read,
        ask=_zone_asked,
        offer=_zones_offered,
    ),
)


async def zone_given(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    """Stores the time zone (the draft's work is done) and says what it is now."""
    svc = services(context)
    settings = await svc.db.run(preferences.timezone_from_draft, draft_id=draft.id, now=svc.clock())
    form_answers.remember(context, FORM, None)
    await activate(context, None)  # any open form may take the next text again
    if settings is None:
        await reply(update, context, _("That button no longer works. Please try /settings again."))
        return
    await reply(
        update,
        context,
        render(
            "settings/zone_set", zone=settings.zone, time=_local_time(svc.clock(), settings.zone)
        ),
        [
            [
                (_("⚙️ Settings"), SettingsButton(SettingsAction.OPEN).pack()),
                (_("🏠 Menu"), Menu(MenuItem.HOME).pack()),
            ]
        ],
    )


async def zone_dropped(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    """Nothing changes."""
    await reply(
        update,
        context,
        _("Nothing was changed."),
        [[(_("⚙️ Settings"), SettingsButton(SettingsAction.OPEN).pack())]],
    )


async def back_to_settings(
    update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft
) -> None:
    """Back from the question: the change is dropped, the settings shown as they are."""
    await services(context).db.run(DRAFTS.discard, draft_id=draft.id)
    form_answers.remember(context, FORM, None)
    await activate(context, None)
    await settings_requested(update, context)


FORM = Form(
    name=FLOW,
    title=N_("Change your time zone"),
    questions=QUESTIONS,
    store=DraftStore(save=DRAFTS.save, move=DRAFTS.move, discard=DRAFTS.discard),
    on_submit=zone_given,
    on_discarded=zone_dropped,
    on_first_back=back_to_settings,
    prefix="tz",
    slot=FLOW,
    confirm=False,
)


async def current_draft(context: ContextTypes.DEFAULT_TYPE, person_id: int) -> Draft | None:
    """The person's time zone change in progress (cached in this process after one look-up)."""
    svc = services(context)
    return await form_answers.cached_draft(
        context, FORM.slot, lambda: svc.db.run(DRAFTS.current, person_id=person_id)
    )


async def _open_draft(
    context: ContextTypes.DEFAULT_TYPE, person_id: int
) -> tuple[AnyForm, Draft] | None:
    draft = await current_draft(context, person_id)
    return None if draft is None else (FORM, draft)


async def zone_change_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Starts the time zone change: asks for the country or zone."""
    await acknowledge(update)
    await close_buttons(update)
    user = update.effective_user
    assert user is not None
    await pause_other_forms(update, context, keep=FORM.slot)
    svc = services(context)
    draft = await svc.db.run(
        DRAFTS.start, person_id=user.id, step=FORM.first_step(), now=svc.clock()
    )
    form_answers.remember(context, FORM, draft)
    await form_answers.ask(update, context, FORM, draft)


async def form_button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Hands a button of the person's own time zone change to the form."""
    assert update.effective_user is not None
    draft = await current_draft(context, update.effective_user.id)
    gone = _("This button belongs to a form that was already submitted or discarded.")
    await form_buttons.press_on_draft(update, context, draft, lambda _draft: FORM, gone)


async def older_button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A zone or Cancel button of the time zone step from before it was a form."""
    await acknowledge(update)
    await close_buttons(update)
    await reply(update, context, _("That button no longer works. Please try /settings again."))


async def digest_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stores single notices or a daily digest (coordinators only)."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    svc = services(context)
    await acknowledge(update)
    digest = DigestChosen.of(update).digest == 1
    settings = await svc.db.run(
        preferences.set_digest, person_id=user.id, digest=digest, now=svc.clock()
    )
    await close_buttons(update)
    note = (
        _("From now on you get one digest a day at 08:00 your time.")
        if settings.digest
        else _("From now on you get a message for every event.")
    )
    text, rows = _settings_view(context, user.id, settings)
    await reply(update, context, note + "\n\n" + text, rows)


def setup() -> Contribution:
    """The /settings command and its buttons (group 0)."""
    older = [ZoneChosen.pattern(), SettingsButton.pattern(action=SettingsAction.CANCEL)]
    handlers: list[Handler] = [
        CommandHandler("settings", settings_requested),
        CallbackQueryHandler(
            settings_requested, pattern=SettingsButton.pattern(action=SettingsAction.OPEN)
        ),
        CallbackQueryHandler(
            zone_change_requested, pattern=SettingsButton.pattern(action=SettingsAction.ZONE)
        ),
        CallbackQueryHandler(
            form_button_pressed, pattern=FormButton.of_form(FORM.prefix).pattern()
        ),
        CallbackQueryHandler(coordinators_only(digest_chosen), pattern=DigestChosen.pattern()),
        *(CallbackQueryHandler(older_button_pressed, pattern=pattern) for pattern in older),
    ]
    # Its typed answers are taken with the other short forms' (the experts' group).
    return Contribution(
        handlers,
        open_forms=[OpenForm(FORM.slot, _open_draft, answered_by="experts", kind=DRAFTS.form)],
        commands=[
            Command(
                "settings",
                COMMAND_DESCRIPTION,
                N_(
                    "your time zone (and, for coordinators, notices one by one or as a daily digest)"
                ),
            )
        ],
    )
