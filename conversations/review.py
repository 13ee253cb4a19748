"""Coordinators review expressions of interest from their notice: in review, accept, return,
decline; the submitter is told in their own language."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, BaseHandler, CallbackQueryHandler, ContextTypes

from bot.i18n import N_, _, render, use_language
from bot.messaging import acknowledge
from bot.notices import render_notice
from bot.outbox import register_preparer, wake_dispatcher
from bot.services import services
from bot.vocabulary import PROGRAMMES
from storage import reviews
from storage.models import Status
from storage.outbox import Outgoing

SUBMITTED_NOTICE = "notices/eoi_submitted"

# (button label, callback code) per decision; the code keeps callback data short.
CHOICES = {
    Status.IN_REVIEW: (N_("🔎 In review"), "r"),
    Status.ACCEPTED: (N_("✅ Accept"), "a"),
    Status.RETURNED: (N_("↩️ Return for changes"), "t"),
    Status.DECLINED: (N_("✖️ Decline"), "d"),
}
_BY_CODE = {code: status for status, (_label, code) in CHOICES.items()}


def decision_rows(eoi_id: int) -> list[list[tuple[str, str]]]:
    """The decision buttons under a coordinator's notice, in the reader's language."""
    buttons = [(_(label), f"eoi|{eoi_id}|{code}") for label, code in CHOICES.values()]
    return [buttons[:2], buttons[2:]]


async def _prepare_submitted(
    application: Application,  # type: ignore[type-arg]
    message: Outgoing,
    language: str,
    worker: str,
) -> tuple[str, list[list[tuple[str, str]]]]:
    """The submission notice with its decision buttons, in the coordinator's language."""
    text = render_notice(SUBMITTED_NOTICE, message.params, language)
    eoi_id = message.params.get("eoi_id")
    if eoi_id is None:
        return text, []
    with use_language(language):
        return text, decision_rows(int(eoi_id))


def _status_notice(params: dict[str, Any]) -> str:
    """The submitter's notice of a decision, in their language."""
    programme = PROGRAMMES[params["programme"]]
    return render(
        "notices/eoi_status",
        reference=params["reference"],
        programme=_(programme),
        status=params["status"],
    )


async def decision_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Records a coordinator's decision (role checked on this press) and tells the submitter."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    svc = services(context)
    if not svc.is_coordinator(update.effective_user.id):
        await acknowledge(update, _("Only the programme's coordinators can decide on this."), True)
        return
    parts = query.data.split("|")
    if len(parts) != 3 or not parts[1].isdigit() or parts[2] not in _BY_CODE:
        await acknowledge(update, _("This button no longer works."), alert=True)
        return
    decision = await svc.db.run(
        reviews.decide,
        eoi_id=int(parts[1]),
        decision=_BY_CODE[parts[2]],
        coordinator_id=update.effective_user.id,
        now=svc.clock(),
    )
    if decision is None:
        await acknowledge(
            update,
            _("Nothing changed: it already has this status, or it is not open to a decision."),
            alert=True,
        )
        return
    label = CHOICES[Status(decision.status)][0]
    await acknowledge(
        update,
        _("{reference}: {decision}. The submitter is told.").format(
            reference=decision.reference, decision=_(label)
        ),
        alert=True,
    )
    wake_dispatcher(context)


def setup() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The decision buttons, and the notices they send and sit under."""
    from bot import notices

    notices.register("notices/eoi_status", _status_notice)
    register_preparer(SUBMITTED_NOTICE, _prepare_submitted)
    return [CallbackQueryHandler(decision_chosen, pattern=r"^eoi\|")]
