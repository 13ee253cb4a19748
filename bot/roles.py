"""Who may do what: the coordinators' role, declared once where a handler is registered.

`coordinators_only(callback)` wraps a command's, a button's or a typed step's callback: a
coordinator (as configured in COORDINATOR_IDS) gets the callback, everyone else one polite
refusal in their language (an alert on a button press, a message with the menu button on a
command or a typed message). The check runs on every update, so a forged or old button of a
coordinator's message is refused to anyone else.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, TypeAlias, TypeVar

from telegram import Update
from telegram.ext import ContextTypes

from bot.buttons.menu import Menu, MenuItem
from bot.i18n import N_, _
from bot.messaging import acknowledge, reply
from bot.services import services
from bot.vocabulary import PROGRAMMES

ONLY_COORDINATORS = N_("This is only available to the programme's coordinators.")
NOT_MY_PROGRAMME = N_("This belongs to %(programme)s, which you do not coordinate.")

P = ParamSpec("P")
R = TypeVar("R")


def is_coordinator(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether the update comes from one of the programme's coordinators."""
    user = update.effective_user
    return services(context).is_coordinator(user.id if user else None)


async def _refuse(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """A refusal: an alert on a button press, a message with the menu button otherwise."""
    if update.callback_query is not None:
        await acknowledge(update, text, alert=True)
    elif update.effective_chat is not None:
        await reply(update, context, text, [[(_("🏠 Menu"), Menu(MenuItem.HOME).pack())]])


async def coordinator_or_refuse(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether the person is a coordinator; everyone else gets the polite refusal."""
    if is_coordinator(update, context):
        return True
    await _refuse(update, context, _(ONLY_COORDINATORS))
    return False


def my_programmes(update: Update, context: ContextTypes.DEFAULT_TYPE) -> frozenset[str]:
    """The programmes the coordinator of this update coordinates (COORDINATOR_IDS: both)."""
    user = update.effective_user
    return services(context).settings.programmes_of(user.id if user else None)


async def of_my_programmes(
    update: Update, context: ContextTypes.DEFAULT_TYPE, programme: str | None
) -> bool:
    """Whether something of `programme` is this coordinator's to see (None: there is no such
    thing, the caller says so); a coordinator of the other programme only is refused politely."""
    if programme is None or programme in my_programmes(update, context):
        return True
    name = _(PROGRAMMES.get(programme, programme))
    await _refuse(update, context, _(NOT_MY_PROGRAMME) % {"programme": name})
    return False


Callback: TypeAlias = Callable[
    Concatenate[Update, ContextTypes.DEFAULT_TYPE, P], Coroutine[Any, Any, R]
]
Checked: TypeAlias = Callable[
    Concatenate[Update, ContextTypes.DEFAULT_TYPE, P], Coroutine[Any, Any, R | None]
]


def coordinators_of(programme: str | None) -> Callable[[Callback[P, R]], Checked[P, R]]:
    """The callback, for the coordinators of the programme (None: of either): everyone else
    gets the refusal of coordinator_or_refuse, a coordinator of the other programme only the
    polite one of of_my_programmes."""

    def only(callback: Callback[P, R]) -> Checked[P, R]:
        @functools.wraps(callback)
        async def checked(
            update: Update, context: ContextTypes.DEFAULT_TYPE, /, *args: P.args, **kwargs: P.kwargs
        ) -> R | None:
            if not await coordinator_or_refuse(update, context):
                return None
            if not await of_my_programmes(update, context, programme):
                return None
            return await callback(update, context, *args, **kwargs)

        return checked

    return only


def coordinators_only(callback: Callback[P, R]) -> Checked[P, R]:
    """The callback, for coordinators only (see the module's docstring)."""
    return coordinators_of(None)(callback)


__all__ = [
    "NOT_MY_PROGRAMME",
    "ONLY_COORDINATORS",
    "coordinator_or_refuse",
    "coordinators_of",
    "coordinators_only",
    "is_coordinator",
    "my_programmes",
    "of_my_programmes",
]
