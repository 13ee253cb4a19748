"""A coordinator registers a deployment (/deploy) and gets the expert's invitation link; the
questions are conversations.experts.deployment_questions."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import form_answers
from bot.buttons.experts import DeploymentsButton, NewLink, Section
from bot.buttons.form import FormButton
from bot.contributions import Audience, Command, Contribution
from bot.form_drafts import FormDrafts
from bot.forms import Draft, DraftStore, Form
from bot.i18n import N_, _, render
from bot.invitation_links import invitation_link, new_code
from bot.main_menu import main_menu_rows
from bot.messaging import acknowledge, close_buttons, reply
from bot.ptb_types import Handler
from bot.roles import coordinators_only, my_programmes, of_my_programmes
from bot.services import services
from conversations.experts.deployment_questions import INTERVALS, MODELS, NO_SUCH_EOI, QUESTIONS
from storage import deployments as store
from storage import invitations, programmes
from storage.deployment_views import DeploymentView


def describe(deployment: DeploymentView) -> dict[str, Any]:
    """A deployment's facts for a template, in the reader's language."""
    model = next((_(o.label) for o in MODELS if o.value == deployment.expert_model), "")
    interval = next((_(o.label) for o in INTERVALS if o.value == deployment.interval), "")
    return {
        "expert": deployment.expert_name,
        "model": model,
        "partnership": deployment.partnership,
        "country": deployment.country,
        "city": deployment.city,
        "start": deployment.start_date,
        "end": deployment.end_date,
        "interval": interval,
        "eoi": deployment.eoi_reference,
        "deadlines": deployment.deadlines,
    }


async def deployment_submitted(
    update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft
) -> None:
    """Registers the deployment and answers with the personal invitation link."""
    svc = services(context)
    code = new_code()
    outcome = await svc.db.run(
        store.register_draft,
        draft_id=draft.id,
        code=code,
        now=svc.clock(),
        of_programmes=my_programmes(update, context),
    )
    if isinstance(outcome, str):
        if outcome == "submitted":
            DRAFTS.remember(context, None)
            await reply(update, context, _("This deployment was already registered."))
            return
        notes = {
            "eoi_reference": _(NO_SUCH_EOI).format(
                reference=draft.answers.get("eoi_reference") or ""
            ),
            "end_date": _("The end must come after the start. Please check the date."),
        }
        moved = await svc.db.run(
            store.move_draft, draft_id=draft.id, step=outcome, editing=True, paused=False
        )
        DRAFTS.remember(context, moved)
        await form_answers.ask(update, context, FORM, moved, note=notes[outcome])
        return
    DRAFTS.remember(context, None)
    link = invitation_link(context.bot.username, code)
    text = render("experts/deployment_registered", link=link, **describe(outcome))
    await reply(update, context, text, main_menu_rows())


async def deployment_discarded(
    update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft
) -> None:
    """Confirms the discarded draft."""
    await reply(update, context, _("The deployment draft was discarded."), main_menu_rows())


FORM = Form(
    name="deployment",
    title=N_("Register a deployment"),
    questions=QUESTIONS,
    store=DraftStore(save=store.save_answer, move=store.move_draft, discard=store.discard_draft),
    on_submit=deployment_submitted,
    on_discarded=deployment_discarded,
    prefix="dep",
    slot="deployment",
    # An expression of interest named fills in answers only if it is of the coordinator's.
    save_scope=lambda update, context: {"of_programmes": my_programmes(update, context)},
)


DRAFTS = FormDrafts(
    FORM, current=store.current_draft, start=store.start_draft, owner="coordinator_id"
)


async def deploy_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Continues the coordinator's deployment draft or starts one."""
    await acknowledge(update)
    await close_buttons(update)
    assert update.effective_user is not None
    if await DRAFTS.continue_open(update, context):
        return
    intro = render("experts/deployment_intro")
    await DRAFTS.start(update, context, intro=intro, pause_others=False)


async def deployments_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Lists the registered deployments, each with a button for a new invitation link."""
    await acknowledge(update)
    mine = my_programmes(update, context)
    found = await services(context).db.run(store.deployments, programmes=mine)
    rows = [
        [(_("🔗 New link for {name}").format(name=d.expert_name[:40]), NewLink(d.id).pack())]
        for d in found
        if d.expert_id is None
    ]
    rows.append([(_("➕ Register a deployment"), DeploymentsButton(Section.GO).pack())])
    items = [{"id": d.id, "bound": d.expert_id is not None, **describe(d)} for d in found]
    await reply(update, context, render("experts/deployments", items=items), rows)


async def new_link_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A fresh invitation link for a deployment of my programmes (older unused ones stop)."""
    await acknowledge(update)
    deployment_id, svc, code = NewLink.of(update).deployment_id, services(context), new_code()
    programme = await svc.db.run(programmes.deployment_programme, deployment_id=deployment_id)
    if not await of_my_programmes(update, context, programme):
        return
    made = await svc.db.run(
        invitations.new_invitation, deployment_id=deployment_id, code=code, now=svc.clock()
    )
    if not made:
        await reply(update, context, _("This deployment no longer exists."))
        return
    link = invitation_link(context.bot.username, code)
    await reply(update, context, render("experts/new_link", link=link))


def setup() -> Contribution:
    """The handlers of group 0 for registering deployments (coordinators only)."""
    handlers: list[Handler] = [
        CommandHandler("deploy", coordinators_only(deploy_requested)),
        CommandHandler("deployments", coordinators_only(deployments_requested)),
        CallbackQueryHandler(
            coordinators_only(deploy_requested),
            pattern=DeploymentsButton.pattern(section=Section.GO),
        ),
        CallbackQueryHandler(
            coordinators_only(deployments_requested),
            pattern=DeploymentsButton.pattern(section=Section.LIST),
        ),
        CallbackQueryHandler(coordinators_only(new_link_requested), pattern=NewLink.pattern()),
        CallbackQueryHandler(
            coordinators_only(DRAFTS.button_pressed),
            pattern=FormButton.of_form(FORM.prefix).pattern(),
        ),
    ]
    return Contribution(
        handlers,
        open_forms=[
            DRAFTS.open_form(coordinators_only=True, answered_by="experts", kind="deployment")
        ],
        questions={"deployment": QUESTIONS},
        commands=[
            Command(
                "deploy",
                N_("register a deployment and get the expert's invitation link"),
                audience=Audience.COORDINATORS,
            ),
            Command(
                "deployments",
                N_("the deployments, and new invitation links"),
                audience=Audience.COORDINATORS,
            ),
        ],
    )
