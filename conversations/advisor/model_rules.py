"""/rules <country>: a coordinator sees which expert models are possible there and toggles them.

Only coordinators: the role is checked on the command and again on every button press. Every
change is recorded with who made it and when (storage.model_rules).
"""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import countries, entries
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
from bot.contributions import Contribution, TypedStep
from bot.i18n import _, country_name, current_language, format_moment, language_name, render
from bot.messaging import Button, acknowledge, close_buttons, replace, reply
from bot.model_rules_file import REASON_LIMIT
from bot.ptb_types import Handler
from bot.roles import coordinators_of
from bot.services import services
from storage import model_rules, people, preferences
from storage.preferences import Entry

# Short codes for callback data, and the order a tap moves through.
CODES = {POSSIBLE: "p", NOT_POSSIBLE: "n", TO_BE_CONFIRMED: "t"}
STATUS_OF_CODE = {code: status for status, code in CODES.items()}
REASON_FLOW = "rule_reason"  # the typed step that waits for a reason (bot.entries)
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
        await _show(update, context, typed.upper())
        return
    found = countries.search(typed, exclude=frozenset({"DE"}))
    if len(found) == 1:
        await _show(update, context, found[0])
        return
    if not found:
        text = _(
            "I couldn't find a country for “{text}”. Please type part of its name, e.g. “Ghana” or “Ivory Coast”."
        ).format(text=html.escape(typed[:100]))
        await reply(update, context, text)
        return
    rows = [[(country_name(code), RulesCountry(code).pack())] for code in found]
    await reply(update, context, _("Several countries match. Please choose:"), rows)


async def _view(
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


async def _show(update: Update, context: ContextTypes.DEFAULT_TYPE, code: str) -> None:
    assert update.effective_user is not None
    text, rows = await _view(context, update.effective_user.id, code)
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
    await _show(update, context, code.upper())


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
    text, rows = await _view(context, user.id, code, note)
    await replace(update, text, rows)


async def reason_asked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Waits for the reason partners read under a model, in the coordinator's language."""
    user = update.effective_user
    assert user is not None
    await acknowledge(update)
    pressed = RuleReasonAsked.of(update)
    if not countries.is_country(pressed.country) or pressed.model >= len(MODELS):
        raise ForgedButton(f"no such rule: {pressed}")
    code, model = pressed.country.upper(), MODELS[pressed.model]
    answers = {"country": code, "model": model}
    await entries.wait_for(context, user.id, REASON_FLOW, "reason", answers)
    text = _(
        "Please type the reason partners read for {model} in {country}, in {language} (at most {limit} characters). Send “-” to remove it."
    ).format(
        model=_(MODEL_LABELS[model]),
        country=country_name(code),
        language=language_name(current_language()),
        limit=REASON_LIMIT,
    )
    await reply(update, context, text)


async def reason_typed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, entry: Entry, text: str
) -> None:
    """Stores the typed reason in the coordinator's language and shows the rules again."""
    user = update.effective_user
    assert user is not None
    if len(text) > REASON_LIMIT:
        note = _("That is {length} characters; a reason has at most {limit}. Please shorten it.")
        await reply(update, context, note.format(length=len(text), limit=REASON_LIMIT))
        return
    svc = services(context)
    code, model = entry.answers["country"], entry.answers["model"]
    await svc.db.run(
        model_rules.set_reason,
        country=code,
        model=model,
        language=current_language(),
        reason="" if text.strip() == "-" else text.strip(),
        actor=f"telegram:{user.id}",
        now=svc.clock(),
    )
    await entries.finish(context, user.id)
    note = _("✅ Saved: the reason for {model} in {country}.").format(
        model=_(MODEL_LABELS[model]), country=country_name(code)
    )
    text, rows = await _view(context, user.id, code, note)
    await reply(update, context, text, rows)


def setup() -> Contribution:
    """The coordinators' /rules command and its buttons (group 0)."""
    # The expert models and their rules are the Fachkräftefonds' own.
    fkf = coordinators_of("fkf")
    handlers: list[Handler] = [
        CommandHandler("rules", fkf(rules_requested)),
        CallbackQueryHandler(fkf(country_chosen), pattern=RulesCountry.pattern()),
        CallbackQueryHandler(fkf(status_toggled), pattern=RuleToggled.pattern()),
        CallbackQueryHandler(fkf(reason_asked), pattern=RuleReasonAsked.pattern()),
    ]
    typed = {REASON_FLOW: TypedStep(fkf(reason_typed), "/rules")}
    return Contribution(handlers, typed_steps=typed)
