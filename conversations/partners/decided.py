"""Carrying out a coordinator's decision on a submission: stored, recorded, the submitter told,
and the coordinator told what happened (shared by the one-tap decisions and those with a reason)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n import N_, _
from bot.messaging import acknowledge
from bot.outbox import wake_dispatcher
from bot.services import services
from bot.vocabulary import STATUSES
from conversations.partners import interest_form
from storage import reviews
from storage.models import Status

# The button label of each decision (in the reader's language through _()).
LABELS = {
    Status.IN_REVIEW: N_("🔎 In review"),
    Status.ACCEPTED: N_("✅ Accept"),
    Status.RETURNED: N_("↩️ Return for changes"),
    Status.DECLINED: N_("✖️ Decline"),
}


async def refuse_unchanged(update: Update, context: ContextTypes.DEFAULT_TYPE, eoi_id: int) -> None:
    """Says why a decision changed nothing (a double tap, or the submitter revising it)."""
    revising = await services(context).db.run(reviews.being_revised, eoi_id=eoi_id)
    why = (
        _("It is returned for changes already; the submitter is revising it right now.")
        if revising
        else _("Nothing changed: it already has this status, or it is not open to a decision.")
    )
    await acknowledge(update, why, alert=True)


async def apply(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    eoi_id: int,
    status: Status,
    reason_code: str | None = None,
    reason: str | None = None,
) -> str | None:
    """Decides (role checked by the caller on this press); what the coordinator is told, or
    None when nothing changed (they were told why)."""
    assert update.effective_user is not None
    svc = services(context)
    decision = await svc.db.run(
        reviews.decide,
        eoi_id=eoi_id,
        decision=status,
        coordinator_id=update.effective_user.id,
        now=svc.clock(),
        reason_code=reason_code,
        reason=reason,
    )
    if decision is None:
        await refuse_unchanged(update, context, eoi_id)
        return None
    told = _("{reference} is now “{status}”. The submitter is told.").format(
        reference=decision.reference, status=_(STATUSES[decision.status])
    )
    if decision.revision_dropped:
        # The submitter's cached draft is gone from the database: their next step reloads it.
        context.application.user_data.get(decision.person_id, {}).pop(interest_form.SLOT, None)
        told += " " + _("The changes they had not resubmitted were dropped.")
    await acknowledge(update, told, alert=True)
    wake_dispatcher(context)
    return told
