"""The forms a person has open, whichever conversation they belong to: pausing the others,
and the note /start shows about them.

The kinds of form come from the conversations' contributions (bot.contributions), in the order
the wiring collected them, so this module names none of them.
"""

from __future__ import annotations

from markupsafe import Markup
from telegram import Update
from telegram.ext import ContextTypes

from bot import form_buttons, forms
from bot.active_flow import active_flow
from bot.buttons.form import FormAction
from bot.contributions import OpenForm
from bot.forms import AnyForm, Draft
from bot.i18n import _, render
from bot.messaging import Button
from bot.services import services


async def open_forms(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    paused_too: bool = False,
    answered_by: str | None = None,
) -> list[tuple[AnyForm, Draft]]:
    """The person's open (unpaused, or all) drafts of every kind, as (form, draft) pairs;
    answered_by: only the kinds whose typed answers that handler takes."""
    user = update.effective_user
    assert user is not None
    found = []
    for kind in _kinds(context, user.id):
        if answered_by is not None and kind.answered_by != answered_by:
            continue
        pair = await kind.find(context, user.id)
        if pair is not None and (paused_too or not pair[1].paused):
            found.append(pair)
    return found


async def pause_other_forms(update: Update, context: ContextTypes.DEFAULT_TYPE, keep: str) -> None:
    """Pause every other open form of the person (keep: the slot of the one that starts), so
    that what they type goes to that one. Each paused form says so (with Continue / Discard);
    nothing typed so far is lost."""
    user = update.effective_user
    assert user is not None
    for kind in _kinds(context, user.id):
        if kind.slot == keep or not kind.paused_by_others:
            continue
        pair = await kind.find(context, user.id)
        if pair is not None and not pair[1].paused:
            await form_buttons.pause(update, context, *pair)


async def find_open(
    context: ContextTypes.DEFAULT_TYPE, person_id: int, slot: str
) -> tuple[AnyForm, Draft] | None:
    """The person's draft (paused or not) of the kind of form with this slot, with its form."""
    for kind in services(context).contributions.open_forms:
        if kind.slot == slot:
            return await kind.find(context, person_id)
    return None


def kind_of(context: ContextTypes.DEFAULT_TYPE, form: AnyForm) -> OpenForm | None:
    """The kind of open form this form is, if a conversation contributed it."""
    for kind in services(context).contributions.open_forms:
        if kind.slot == form.slot:
            return kind
    return None


def _kinds(context: ContextTypes.DEFAULT_TYPE, person_id: int) -> list[OpenForm]:
    svc = services(context)
    coordinator = svc.is_coordinator(person_id)
    return [k for k in svc.contributions.open_forms if coordinator or not k.coordinators_only]


async def open_draft_rows(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    drafts: list[tuple[AnyForm, Draft]] | None = None,
) -> tuple[str, list[list[Button]]]:
    """Lines and buttons about the drafts the person left unfinished (the latest first), and
    messages still waiting to be filed; drafts: open_forms(paused_too=True), if looked up."""
    if drafts is None:
        drafts = await open_forms(update, context, paused_too=True)
    drafts.sort(key=lambda found: found[0].slot != active_flow(context))
    notes = []
    for form, draft in drafts:
        k, n = forms.position(form, draft)
        ready = draft.step == forms.SUMMARY
        kind = kind_of(context, form)
        if kind is not None and kind.note is not None:
            notes.append(kind.note(form, draft, k, n, ready))
        else:
            submit = _(form.submit_label)
            notes.append(
                render(
                    "forms/open_draft", title=_(form.title), k=k, n=n, ready=ready, submit=submit
                )
            )
    offers_note, offer_rows = "", list[list[Button]]()
    for waiting in services(context).contributions.waiting:
        note, more = await waiting(update, context)
        offers_note, offer_rows = "\n".join(filter(None, (offers_note, note))), offer_rows + more
    if len(drafts) == 1:
        rows = forms.resume_rows(*drafts[0])
    else:
        rows = [
            [("▶️ " + _(form.title), forms.data(form, draft, FormAction.CONTINUE))]
            for form, draft in drafts
        ]
    # Rendered HTML already: Markup, so that the /start template does not escape it a second
    # time (an apostrophe would reach the reader as &#39;).
    return Markup("\n".join([*notes, offers_note] if offers_note else notes)), rows + offer_rows
