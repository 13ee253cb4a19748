"""Coordinators review expressions of interest from their notice: in review, accept, return,
decline; the submitter is told in their own language."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from bot.buttons.partners import Choice, Decision
from bot.callbacks import ForgedButton
from bot.contributions import Audience, Command, Contribution
from bot.i18n import N_, _, current_language, render, use_language
from bot.main_menu import main_menu_rows
from bot.messaging import acknowledge, reply
from bot.notices import render_notice
from bot.ptb_types import App, Handler
from bot.roles import coordinators_only
from bot.services import SERVICES_KEY, services
from bot.vocabulary import PROGRAMMES, STATUSES
from conversations.partners import decided, reasons, whole
from storage import reviews
from storage.models import Status
from storage.outbox import Outgoing

SUBMITTED_NOTICE = "notices/eoi_submitted"

# (button label, callback code) per decision; the code keeps callback data short.
CHOICES = {
    status: (decided.LABELS[status], code)
    for status, code in (
        (Status.IN_REVIEW, "r"),
        (Status.ACCEPTED, "a"),
        (Status.RETURNED, "t"),
        (Status.DECLINED, "d"),
    )
}
_BY_CODE = {code: status for status, (_label, code) in CHOICES.items()}


def decision_rows(eoi_id: int) -> list[list[tuple[str, str]]]:
    """The decision buttons under a coordinator's notice, in the reader's language."""
    buttons = [
        (_(label), Decision(eoi_id, Choice(code)).pack()) for label, code in CHOICES.values()
    ]
    return [buttons[:2], buttons[2:]]


async def _prepare_submitted(
    application: App,
    message: Outgoing,
    language: str,
    worker: str,
) -> tuple[str, list[list[tuple[str, str]]]]:
    """The submission notice with its decision buttons, in the coordinator's language."""
    notices = application.bot_data[SERVICES_KEY].contributions.notices
    text = render_notice(notices, SUBMITTED_NOTICE, message.params, language)
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
        reason=reasons.reason_text(params.get("reason_code"), params.get("reason")),
    )


async def _of_my_programme(update: Update, context: ContextTypes.DEFAULT_TYPE, eoi_id: int) -> bool:
    """Whether the submission is of a programme this coordinator coordinates; a coordinator of
    the other programme only is told politely (an alert)."""
    svc = services(context)
    assert update.effective_user is not None
    programme = await svc.db.run(reviews.programme_of, eoi_id=eoi_id)
    if programme is None or programme in svc.settings.programmes_of(update.effective_user.id):
        return True
    await acknowledge(
        update,
        _("This submission is for %(programme)s, which you do not coordinate.")
        % {"programme": _(PROGRAMMES[programme])},
        alert=True,
    )
    return False


async def decision_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Records a coordinator's decision (role checked on this press) and tells the submitter;
    a return or a decline first asks for the reason."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    pressed = Decision.of(update)
    if pressed.choice not in _BY_CODE:
        raise ForgedButton(f"no decision {pressed.choice}")
    if not await _of_my_programme(update, context, pressed.eoi_id):
        return
    status = _BY_CODE[pressed.choice]
    if status in reasons.WITH_REASON:
        await reasons.ask_reason(update, context, pressed.eoi_id, status)
        return
    await decided.apply(update, context, pressed.eoi_id, status)


async def submissions_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Lists the submissions waiting for a decision, each with a button to open it."""
    svc = services(context)
    assert update.effective_user is not None
    mine = sorted(svc.settings.programmes_of(update.effective_user.id))
    items, total = await svc.db.run(reviews.open_submissions, programmes=mine)
    revised = await svc.db.run(reviews.revised_now, programmes=mine)
    shown = [
        {
            "reference": item.reference,
            "programme": _(PROGRAMMES[item.programme]),
            "status": _(STATUSES.get(item.status, item.status)),
            "partner": item.partner,
            "country": item.country,
            "submitted_at": item.submitted_at,
        }
        for item in items
    ]
    rows = [[(f"📄 {item.reference}", Decision(item.id, Choice.OPEN).pack())] for item in items]
    await reply(
        update,
        context,
        render("interest/open_submissions", items=shown, total=total, revised=revised),
        rows,
    )


async def submission_opened(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Shows one submission as its notice, with the decision buttons (coordinators only)."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    svc = services(context)
    eoi_id = Decision.of(update).eoi_id
    if not await _of_my_programme(update, context, eoi_id):
        return
    await acknowledge(update)
    params = await svc.db.run(reviews.notice_params, eoi_id=eoi_id)
    if params is None:
        await reply(
            update, context, _("That button no longer works. Here is the menu."), main_menu_rows()
        )
        return
    text = render_notice(svc.contributions.notices, SUBMITTED_NOTICE, params, current_language())
    eoi_id = params["eoi_id"]
    extra = [[whole.read_button(eoi_id), whole.history_button(eoi_id)]]
    await reply(update, context, text, [*decision_rows(eoi_id), *extra])


def setup() -> Contribution:
    """/submissions, the decision buttons, and the notices they send and sit under."""

    handlers: list[Handler] = [
        CommandHandler("submissions", coordinators_only(submissions_requested)),
        CallbackQueryHandler(
            coordinators_only(submission_opened), pattern=Decision.pattern(choice=Choice.OPEN)
        ),
        CallbackQueryHandler(coordinators_only(decision_chosen), pattern=Decision.pattern()),
    ]
    return Contribution(
        handlers,
        notices={"notices/eoi_status": _status_notice},
        preparers={SUBMITTED_NOTICE: _prepare_submitted},
        commands=[
            Command(
                "submissions",
                N_("expressions of interest waiting for a decision"),
                audience=Audience.COORDINATORS,
            )
        ],
    )
