"""Who may do what with deployments: bound experts and coordinators, checked on every update.

`experts_only(callback)` declares the experts' role where a handler is registered, as
bot.roles.coordinators_only does the coordinators': a bound expert gets the callback, anyone
else is told how to get an invitation.
"""

from __future__ import annotations

import functools

from telegram import Update
from telegram.ext import ContextTypes

from bot.buttons.menu import Menu, MenuItem
from bot.i18n import _, render
from bot.messaging import acknowledge, reply
from bot.roles import Callback, Checked, P, R
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


def experts_only(callback: Callback[P, R]) -> Checked[P, R]:
    """The callback, for bound experts only (see the module's docstring)."""

    @functools.wraps(callback)
    async def checked(
        update: Update, context: ContextTypes.DEFAULT_TYPE, /, *args: P.args, **kwargs: P.kwargs
    ) -> R | None:
        if await expert_or_explain(update, context) is None:
            return None
        return await callback(update, context, *args, **kwargs)

    return checked
