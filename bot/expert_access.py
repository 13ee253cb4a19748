"""Who may do what with deployments: bound experts and coordinators, checked on every update."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.callbacks import Menu, MenuItem
from bot.i18n import _, render
from bot.messaging import acknowledge, reply
from bot.services import services
from storage.deployment_views import ExpertView, deployment_of_expert

EXPERT_SLOT = "expert"


async def expert_of(context: ContextTypes.DEFAULT_TYPE, person_id: int) -> ExpertView | None:
    """The person's deployment if they are a bound expert (looked up once per process)."""
    assert context.user_data is not None
    if EXPERT_SLOT not in context.user_data:
        context.user_data[EXPERT_SLOT] = await services(context).db.run(
            deployment_of_expert, person_id=person_id
        )
    return context.user_data[EXPERT_SLOT]


def forget_expert(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Look the deployment up again next time (the person was just bound)."""
    assert context.user_data is not None
    context.user_data.pop(EXPERT_SLOT, None)


async def expert_or_explain(
    update: Update, context: ContextTypes.DEFAULT_TYPE
) -> ExpertView | None:
    """The bound expert's deployment; anyone else is told how to get an invitation."""
    user = update.effective_user
    assert user is not None
    expert = await expert_of(context, user.id)
    if expert is None:
        await acknowledge(update)
        await reply(
            update,
            context,
            render("experts/not_expert"),
            [[(_("🏠 Menu"), Menu(MenuItem.HOME).pack())]],
        )
    return expert


async def pause_other_forms(update: Update, context: ContextTypes.DEFAULT_TYPE, keep: str) -> None:
    """Pause every other open form of the person, so that what they type goes to this one.

    Each paused form says so (with Continue / Discard); nothing typed so far is lost.
    """
    # The conversations import this module, so they are looked up here, not at import time.
    from bot import form_answers, forms
    from conversations import deployment, interest, progress, report

    user = update.effective_user
    assert user is not None
    found: list[tuple[forms.Form, forms.Draft]] = []
    draft = await interest.current_draft(context, user.id)
    if draft is not None:
        found.append((interest.FORMS[draft.form], draft))
    modules = [report, progress]
    if services(context).is_coordinator(user.id):
        modules.append(deployment)
    for module in modules:
        if module.FORM.name != keep:
            draft = await module.current_draft(context, user.id)
            if draft is not None:
                found.append((module.FORM, draft))
    for form, draft in found:
        if not draft.paused:
            await form_answers.pause(update, context, form, draft)
