"""/rules <country>: a coordinator sees which expert models are possible there and toggles them.

Only coordinators: the role is checked on the command and again on every button press. Every
change is recorded with who made it and when (storage.model_rules).
"""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import countries
from bot.advisor import (
    MODEL_LABELS,
    MODELS,
    NOT_POSSIBLE,
    POSSIBLE,
    STATUS_LABELS,
    TO_BE_CONFIRMED,
    Rule,
)
from bot.buttons.advisor import RuleReasonAsked, RulesCountry, RuleToggled
from bot.callbacks import ForgedButton
from bot.contributions import Audience, Command, Contribution
from bot.i18n import N_, _, country_name, current_language, format_moment, render
from bot.messaging import Button, acknowledge, close_buttons, replace, reply
from bot.ptb_types import Handler
from bot.roles import coordinators_of
from bot.services import services
from storage import model_rules, people, preferences

# Short codes for callback data, and the order a tap moves through.
CODES = {POSSIBLE: "p", NOT_POSSIBLE: "n", TO_BE_CONFIRMED: "t"}
STATUS_OF_CODE = {code: status for status, code in CODES.items()}
NEXT = {POSSIBLE: NOT_POSSIBLE, NOT_POSSIBLE: TO_BE_CONFIRMED, TO_BE_CONFIRMED: POSSIBLE}
ICONS = {POSSIBLE: "✅", NOT_POSSIBLE: "🚫", TO_BE_CONFIRMED: "❓"}


def _who(updated_by: str | None, names: dict[int, str]) -> str:
    """Who changed a rule, as a coordinator reads it: a person by name, the seed file as the
    programme's start, the command line by its user."""
    if updated_by in (None, "seed"):
        return _("the initial data file")
    kind, _sep, who = updated_by.partition(":")
    if kind == "telegram" and who.isdigit() and int(who) in names:
        return names[int(who)]
    return updated_by


def _person_ids(stored: dict[str, model_rules.RuleView]) -> set[int]:
    ids = set()
    for rule in stored.values():
        kind, _sep, who = (rule.updated_by or "").partition(":")
        if kind == "telegram" and who.isdigit():
            ids.add(int(who))
    return ids


async def rules_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Shows the country's rules with toggles, or the countries matching the typed name."""
    user = update.effective_user
    message = update.effective_message
    assert user is not None and message is not None
    typed = " ".join(context.args or []).strip()
    if not typed:
        await reply(
            update,
            context,
            _("Which country? Type /rules and the country, e.g. /rules Ghana or /rules GH."),
        )
        return
    if len(typed) == 2 and countries.is_country(typed):
        await show_rules(update, context, typed.upper())
        return
    found = countries.search(typed, exclude=frozenset({"DE"}))
    if len(found) == 1:
        await show_rules(update, context, found[0])
        return
    if not found:
        text = _(
            "I couldn't find a country for “{text}”. Please type part of its name, e.g. “Ghana” or “Ivory Coast”."
        ).format(text=html.escape(typed[:100]))
        await reply(update, context, text)
        return
    rows = [[(country_name(code), RulesCountry(code).pack())] for code in found]
    await reply(update, context, _("Several countries match. Please choose:"), rows)


async def rules_view(
    context: ContextTypes.DEFAULT_TYPE, reader: int, code: str, note: str | None = None
) -> tuple[str, list[list[Button]]]:
    """The country's three models with their status and a toggle button each; who changed
    them last, by name, and when, in the reader's time zone."""
    svc = services(context)
    stored = await svc.db.run(model_rules.rules_of_country, country=code)
    names = await svc.db.run(people.names_of, person_ids=_person_ids(stored))
    zone = (await svc.db.run(preferences.settings_of, person_id=reader)).zone
    language = current_language()
    rules, rows = [], []
    for index, model in enumerate(MODELS):
        rule = stored.get(model)
        status = rule.status if rule else TO_BE_CONFIRMED
        reason = Rule(status, rule.reasons).reason(language) if rule else None
        rules.append(
            {
                "icon": ICONS[status],
                "name": _(MODEL_LABELS[model]),
                "status": _(STATUS_LABELS[status]),
                "reason": reason,
                "changed": format_moment(rule.updated_at, zone) if rule else None,
                "by": _who(rule.updated_by, names) if rule else None,
            }
        )
        label = f"{ICONS[status]} {_(MODEL_LABELS[model])}: {_(STATUS_LABELS[status])}"
        rows.append(
            [
                (label, RuleToggled(code, index, CODES[status]).pack()),
                (_("✏️ Reason"), RuleReasonAsked(code, index).pack()),
            ]
        )
    text = render("models/rules", country=country_name(code), code=code, rules=rules, note=note)
    return text, rows


async def show_rules(update: Update, context: ContextTypes.DEFAULT_TYPE, code: str) -> None:
    assert update.effective_user is not None
    text, rows = await rules_view(context, update.effective_user.id, code)
    await reply(update, context, text, rows)


async def country_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Shows the rules of the country the coordinator picked from the matches."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    await acknowledge(update)
    await close_buttons(update)
    code = RulesCountry.of(update).country
    if not countries.is_country(code):
        await reply(update, context, _("That button no longer works. Here is the menu."))
        return
    await show_rules(update, context, code.upper())


async def status_toggled(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stores the next status of a model in a country (if it is still what was shown)."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    svc = services(context)
    pressed = RuleToggled.of(update)
    valid = (
        countries.is_country(pressed.country)
        and pressed.model < len(MODELS)
        and pressed.seen in STATUS_OF_CODE
    )
    if not valid:
        raise ForgedButton(f"no such rule: {pressed}")
    code, model = pressed.country.upper(), MODELS[pressed.model]
    seen = STATUS_OF_CODE[pressed.seen]
    changed = await svc.db.run(
        model_rules.set_status,
        country=code,
        model=model,
        status=NEXT[seen],
        expected=seen,
        actor=f"telegram:{user.id}",
        now=svc.clock(),
    )
    if changed:
        await acknowledge(update, _("Saved."))
        note = _("✅ {model} in {country}: now {status}.").format(
            model=_(MODEL_LABELS[model]),
            country=country_name(code),
            status=_(STATUS_LABELS[NEXT[seen]]),
        )
    else:
        await acknowledge(update)
        note = _("This rule was changed in the meantime; here it is as it stands now.")
    text, rows = await rules_view(context, user.id, code, note)
    await replace(update, text, rows)


def setup() -> Contribution:
    """The coordinators' /rules command and its buttons (group 0)."""
    # The expert models and their rules are the Fachkräftefonds' own.
    fkf = coordinators_of("fkf")
    handlers: list[Handler] = [
        CommandHandler("rules", fkf(rules_requested)),
        CallbackQueryHandler(fkf(country_chosen), pattern=RulesCountry.pattern()),
        CallbackQueryHandler(fkf(status_toggled), pattern=RuleToggled.pattern()),
    ]
    return Contribution(
        handlers,
        commands=[
            Command(
                "rules",
                N_("which expert models are possible in a country (coordinators: change them)"),
                audience=Audience.COORDINATORS,
                programme="fkf",
            )
        ],
    )
