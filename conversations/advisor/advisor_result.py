"""The advisor's result: the recommendation, and the chosen model handed back to the form.

Started from a Fachkräftefonds expression of interest, the result offers the possible models as
buttons; the one taken goes into the form (with the advisor's answers and recommendation) and
the form continues with its next step, or its summary when the person was editing.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot import advisor, form_answers
from bot.advisor import MODEL_LABELS, MODELS, Recommendation, Rule
from bot.buttons.advisor import AdvisorAction, AdvisorButton, BackToQuestion, ModelTaken
from bot.buttons.menu import Menu, MenuItem
from bot.callbacks import ForgedButton
from bot.forms import SUMMARY, AnyForm, Draft
from bot.i18n import _, country_name, current_language, render
from bot.main_menu import main_menu_rows
from bot.messaging import Button, acknowledge, close_buttons, reply
from bot.open_forms import find_open
from bot.ptb_types import Handler
from bot.services import services
from bot.vocabulary import INTEREST_SLOT
from storage import advisor as store
from storage import interest as interest_store
from storage import model_rules

SLOT = "advisor"  # where bot.forms caches the person's open advisor run


async def advice_requested(
    update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft
) -> None:
    """Stores the recommendation for the answers and shows it with the choices it leaves."""
    svc = services(context)
    stored = await svc.db.run(model_rules.rules_of_country, country=draft.answers[advisor.COUNTRY])
    rules = {m: Rule(r.status, r.reasons) for m, r in stored.items()}
    result = advisor.recommend(draft.answers, rules)
    done = await svc.db.run(
        store.finish_session, draft_id=draft.id, recommendation=result.as_json(), now=svc.clock()
    )
    assert context.user_data is not None
    context.user_data[SLOT] = None  # the run is finished: forget it (bot.forms' cache)
    if done is None:
        await reply(update, context, _("This advisor run is already finished."), main_menu_rows())
        return
    text = render("models/result", **result_view(result, rules, draft.answers, done.eoi_id))
    if done.eoi_id is None:
        rows = [
            [(_("🔁 Start the advisor again"), AdvisorButton(AdvisorAction.NEW).pack())],
            [(_("📝 Express interest"), Menu(MenuItem.INTEREST).pack())],
            [(_("🏠 Menu"), Menu(MenuItem.HOME).pack())],
        ]
    else:
        rows = _take_rows(done.id, result)
    await reply(update, context, text, rows)


def result_view(
    result: Recommendation, rules: dict[str, Rule], answers: dict[str, Any], eoi_id: int | None
) -> dict[str, Any]:
    """What the result template shows, translated into the reader's language."""
    language = current_language()

    def model(name: str | None) -> dict[str, Any] | None:
        if name is None:
            return None
        rule = rules.get(name, Rule())
        return {
            "name": _(MODEL_LABELS[name]),
            "reasons": [_(r) for r in result.reasons[name]],
            "cautions": [_(c) for c in result.cautions[name]],
            "to_confirm": name in result.to_confirm,
            "rule_reason": rule.reason(language),
        }

    return {
        "country": country_name(answers[advisor.COUNTRY]),
        "best": model(result.best),
        "runner_up": model(result.runner_up),
        "impossible": [
            (_(MODEL_LABELS[m]), rule.reason(language)) for m, rule in result.impossible.items()
        ],
        "embedded": eoi_id is not None,
        # Models the answers rule out, each with why: "… does not fit: <reasons>".
        "ruled_out": [
            (_(MODEL_LABELS[m]), "; ".join(_(why) for why in whys))
            for m, whys in result.ruled_out.items()
        ],
    }


def _take_rows(advisor_id: int, result: Recommendation) -> list[list[Button]]:
    """Buttons to take a model into the expression of interest: the recommended one first."""
    order = [m for m in (result.best, result.runner_up) if m]
    order += [m for m in MODELS if m not in order and m not in result.impossible]
    rows: list[list[Button]] = []
    for model in order:
        label = (
            _("✅ Take {model} (recommended)") if model == result.best else _("Take {model}")
        ).format(model=_(MODEL_LABELS[model]))
        rows.append([(label, ModelTaken(advisor_id, MODELS.index(model)).pack())])
    rows.append([(_("↩️ Back to the question"), BackToQuestion(advisor_id).pack())])
    return rows


async def advisor_discarded(
    update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft
) -> None:
    """Closes the advisor (the run is deleted); started from a form, goes back to the form's
    question."""
    if isinstance(draft, store.AdvisorDraft) and draft.eoi_id is not None:
        await back_to_form(update, context, draft.eoi_id)
        return
    await reply(update, context, _("The advisor was closed."), main_menu_rows())


async def model_taken(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stores the chosen model (and the advisor's answers) in the form and asks its next step."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    pressed = ModelTaken.of(update)
    if pressed.model >= len(MODELS):
        raise ForgedButton(f"no model {pressed.model}")
    await acknowledge(update)
    await close_buttons(update)
    svc = services(context)
    user_id = update.effective_user.id
    found = await svc.db.run(store.result_of, advisor_id=pressed.advisor_id, person_id=user_id)
    form, eoi = await expression_of_interest(context, user_id)
    model = MODELS[pressed.model]
    recommendation = (found.recommendation or {}) if found else {}
    if found is None or eoi is None or found.eoi_id != eoi.id:
        await reply(
            update,
            context,
            _("This button belongs to a form that was already submitted or discarded."),
            main_menu_rows(),
        )
        return
    if model in recommendation.get("impossible", []) or found.status != store.DONE:
        await back_to_form(update, context, eoi.id)
        return
    assert form is not None
    step = form.next_step("expert_model", {**eoi.answers, "expert_model": model}, eoi.editing)
    saved = await svc.db.run(
        store.take_model,
        advisor_id=found.id,
        eoi_id=eoi.id,
        model=model,
        step=step,
        editing=eoi.editing and step != SUMMARY,
        update_id=update.update_id,
        now=svc.clock(),
    )
    if saved is None:
        await back_to_form(update, context, eoi.id)
        return
    form_answers.remember(context, form, saved)
    text = _("✅ Preferred expert model: {model}").format(model=_(MODEL_LABELS[model]))
    await reply(update, context, text)
    await form_answers.ask(update, context, form, saved)


async def question_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Goes back from the advisor's result to the form's expert-model question."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    await acknowledge(update)
    await close_buttons(update)
    eoi = (await expression_of_interest(context, update.effective_user.id))[1]
    if eoi is None:
        await reply(
            update,
            context,
            _("This button belongs to a form that was already submitted or discarded."),
            main_menu_rows(),
        )
        return
    await back_to_form(update, context, eoi.id)


async def expression_of_interest(
    context: ContextTypes.DEFAULT_TYPE, person_id: int
) -> tuple[AnyForm, Draft] | tuple[None, None]:
    """The person's expression of interest in progress with its form (found through the
    contributions: the advisor builds on that conversation without importing it)."""
    found = await find_open(context, person_id, INTEREST_SLOT)
    return found if found is not None else (None, None)


async def back_to_form(update: Update, context: ContextTypes.DEFAULT_TYPE, eoi_id: int) -> None:
    """Continues the person's expression of interest where it stands (unpaused)."""
    assert update.effective_user is not None
    form, eoi = await expression_of_interest(context, update.effective_user.id)
    if form is None or eoi is None or eoi.id != eoi_id:
        await reply(
            update,
            context,
            _("This button belongs to a form that was already submitted or discarded."),
            main_menu_rows(),
        )
        return
    moved = await services(context).db.run(
        interest_store.move_draft, draft_id=eoi.id, step=eoi.step, editing=eoi.editing, paused=False
    )
    form_answers.remember(context, form, moved)
    await form_answers.ask(update, context, form, moved)


def handlers() -> list[Handler]:
    """The result's buttons (group 0): take a model, or go back to the form's question."""
    return [
        CallbackQueryHandler(model_taken, pattern=ModelTaken.pattern()),
        CallbackQueryHandler(question_requested, pattern=BackToQuestion.pattern()),
    ]
