"""Which flow has the person's attention: the one that asked them a question last.

Several flows can be open at once (an expression of interest, the advisor, a report, a /settings
step). Only the active one takes what the person types, so an answer never lands in a form the
person is not looking at. The choice is stored with the person, so it survives a restart.
"""

from __future__ import annotations

import dataclasses

from telegram.ext import ContextTypes

from bot.services import services
from storage import people


def active_flow(context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The flow that asked the person of this update a question last (None: none yet)."""
    assert context.user_data is not None
    person = context.user_data.get("person")
    return person.active_flow if person is not None else None


# After a pause no flow takes typed text (None would mean: not known yet, any open flow may).
NONE = "-"


def is_active(context: ContextTypes.DEFAULT_TYPE, flow: str) -> bool:
    """Whether typed text belongs to this flow."""
    current = active_flow(context)
    return current is None or current == flow


async def activate(context: ContextTypes.DEFAULT_TYPE, flow: str | None) -> None:
    """Make flow the one that takes the person's typed text (stored only when it changes)."""
    assert context.user_data is not None
    person = context.user_data.get("person")
    if person is None or person.active_flow == flow:
        return
    await services(context).db.run(people.set_active_flow, person_id=person.id, flow=flow)
    context.user_data["person"] = dataclasses.replace(person, active_flow=flow)
