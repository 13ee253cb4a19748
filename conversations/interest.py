"""Expression of interest: choose a programme, answer its questions, check, submit."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
)

from bot import advisor, form_answers, forms, notices
from bot.active_flow import is_active
from bot.forms import Draft, DraftStore, Form, Kind, Option, Question
from bot.i18n import N_, _, render
from bot.messaging import acknowledge, close_buttons, reply
from bot.outbox import wake_dispatcher
from bot.routing import PERSONS_MESSAGE
from bot.services import services
from bot.vocabulary import EXPERT_MODELS, FEDERAL_STATES, NOT_SURE, PROGRAMMES, SDGS
from conversations.menu import main_menu_rows, register_entry
from storage import interest as store
from storage.models import Programme

DRAFTS = DraftStore(save=store.save_answer, move=store.move_draft, discard=store.discard_draft)

CONTACT = (
    Question(
        "contact_name",
        Kind.TEXT,
        N_("Contact person"),
        N_("Who is the contact person for this expression of interest? Please give the full name."),
        N_("Maria Müller"),
    ),
    Question(
        "contact_function",
        Kind.TEXT,
        N_("Function"),
        N_("What is the contact person's function or position?"),
        N_("Head of the international office"),
    ),
    Question(
        "contact_email",
        Kind.EMAIL,
        N_("E-mail"),
        N_("At which e-mail address can the programme reach the contact person?"),
        N_("maria.mueller@bonn.de"),
        max_length=254,
    ),
    Question(
        "consent",
        Kind.CONSENT,
        N_("Consent to be contacted"),
        N_(
            "May the programme store these answers and contact the contact person about this "
            "expression of interest? (See /privacy for what is stored and who sees it.)"
        ),
    ),
)

PARTNER_COUNTRY_EXAMPLE = N_("Ghana — or part of the name, e.g. “Gha”")


def _wants_state(answers: dict[str, Any]) -> bool:
    # Until the level is known the question counts, so the total only ever shrinks.
    return answers.get("authority_level") in (None, "state")


FACHKRAEFTEFONDS = (
    Question(
        "german_municipality",
        Kind.TEXT,
        N_("German municipality"),
        N_("What is the name of the German municipality (or association of municipalities)?"),
        N_("Stadt Bonn"),
    ),
    Question(
        "german_state",
        Kind.CHOICE,
        N_("Federal state"),
        N_("In which federal state is it?"),
        options=FEDERAL_STATES,
        columns=2,
    ),
    Question(
        "partner_municipality",
        Kind.TEXT,
        N_("Partner municipality"),
        N_("What is the name of the partner municipality abroad?"),
        N_("Cape Coast Metropolitan Assembly"),
    ),
    Question(
        "partner_country",
        Kind.COUNTRY,
        N_("Partner country"),
        N_("In which country is the partner municipality? Type its name."),
        PARTNER_COUNTRY_EXAMPLE,
        exclude_countries=frozenset({"DE"}),
    ),
    Question(
        "partnership_age",
        Kind.CHOICE,
        N_("Partnership exists for"),
        N_("How long has the partnership existed?"),
        options=(
            Option("starting", N_("Just starting, not yet formalised")),
            Option("lt2", N_("Less than 2 years")),
            Option("2to5", N_("2 to 5 years")),
            Option("5to10", N_("5 to 10 years")),
            Option("gt10", N_("More than 10 years")),
        ),
    ),
    Question(
        "expertise",
        Kind.TEXT,
        N_("Expertise needed"),
        N_("What expertise should the expert bring?"),
        N_("Solid waste management, municipal finance, citizen participation"),
        max_length=1500,
    ),
    Question(
        "tasks_goals",
        Kind.TEXT,
        N_("Tasks and goals"),
        N_("Which tasks should the expert take on, and what should be achieved in two years?"),
        N_("Set up a waste collection plan with the city's sanitation department; train staff."),
        max_length=2000,
    ),
    Question(
        "expert_model",
        Kind.CHOICE,
        N_("Preferred expert model"),
        N_(
            "Which expert model do you prefer? Integrated expert: European, key position in the "
            "partner administration. Development worker: European, advises through GIZ. Local "
            "expert: from the partner country. (/models compares them.)"
        ),
        options=(*EXPERT_MODELS, NOT_SURE),
        extra=(advisor.HELP_ME_CHOOSE,),
    ),
    *CONTACT,
)

VERWALTUNGSPARTNERSCHAFT = (
    Question(
        "authority_level",
        Kind.CHOICE,
        N_("Level of the German authority"),
        N_("Is the German authority a federal or a state authority?"),
        options=(Option("federal", N_("Federal")), Option("state", N_("State (Land)"))),
        columns=2,
    ),
    Question(
        "german_state",
        Kind.CHOICE,
        N_("Federal state"),
        N_("Which federal state?"),
        options=FEDERAL_STATES,
        columns=2,
        applies=_wants_state,
    ),
    Question(
        "german_authority",
        Kind.TEXT,
        N_("German authority"),
        N_("What is the name of the German authority?"),
        N_("Federal Statistical Office"),
    ),
    Question(
        "partner_authority",
        Kind.TEXT,
        N_("Partner authority"),
        N_("What is the name of the partner authority abroad?"),
        N_("National Statistics Office"),
    ),
    Question(
        "partner_country",
        Kind.COUNTRY,
        N_("Partner country"),
        N_("In which country is the partner authority? Type its name."),
        PARTNER_COUNTRY_EXAMPLE,
        exclude_countries=frozenset({"DE"}),
    ),
    Question(
        "topics",
        Kind.TEXT,
        N_("Topics"),
        N_("Which topics should the partnership work on?"),
        N_("Census methodology, data protection in official statistics"),
        max_length=1500,
    ),
    Question(
        "goals",
        Kind.MULTI,
        N_("Goals"),
        N_("Which of the programme's goals does the partnership pursue?"),
        options=(
            Option("efficient_authorities", N_("Build efficient authorities")),
            Option("laws_procedures", N_("Adapt and apply laws, rules and procedures")),
            Option("training", N_("Train the partner's staff")),
            Option("german_practice", N_("Closeness to German administrative practice")),
            Option("bilateral_exchange", N_("Strengthen bilateral institutional exchange")),
        ),
    ),
    Question(
        "methods",
        Kind.MULTI,
        N_("Methods"),
        N_("Which methods are planned?"),
        options=(
            Option("advice", N_("Advice")),
            Option("trainings", N_("Trainings")),
            Option("conferences", N_("Conferences")),
            Option("workshops", N_("Workshops")),
            Option("study_trips", N_("Study trips")),
        ),
        columns=2,
    ),
    Question(
        "duration",
        Kind.CHOICE,
        N_("Planned duration"),
        N_("How long should the partnership run?"),
        options=(
            Option("lt6m", N_("Up to 6 months")),
            Option("6to12m", N_("6 to 12 months")),
            Option("1to2y", N_("1 to 2 years")),
            Option("gt2y", N_("More than 2 years")),
        ),
        columns=2,
    ),
    Question(
        "letter_of_intent",
        Kind.CHOICE,
        N_("Letter of intent"),
        N_("Is there a letter of intent between the two authorities?"),
        options=(
            Option("yes", N_("Yes")),
            Option("in_preparation", N_("In preparation")),
            Option("no", N_("No")),
        ),
    ),
    Question(
        "sdgs",
        Kind.MULTI,
        N_("SDGs"),
        N_("Which Sustainable Development Goals does the partnership contribute to?"),
        options=SDGS,
        columns=2,
    ),
    Question(
        "do_no_harm",
        Kind.TEXT,
        N_("Do No Harm"),
        N_("Do No Harm: what could the partnership unintentionally harm, and how do you avoid it?"),
        N_("We check that new procedures do not exclude people without internet access."),
        max_length=1500,
        optional=True,
    ),
    Question(
        "gender_diversity",
        Kind.TEXT,
        N_("Gender and diversity"),
        N_("Gender and diversity: how will women and disadvantaged groups be included?"),
        N_("Half of the training places are reserved for women."),
        max_length=1500,
        optional=True,
    ),
    *CONTACT,
)


async def _submitted(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    """Submits the draft, tells the person its reference and wakes the notice dispatcher."""
    svc = services(context)
    form = FORMS[draft.form]
    done = await svc.db.run(
        store.submit_draft,
        draft_id=draft.id,
        applicable=[q.key for q in form.applicable(draft.answers)],
        coordinators=sorted(svc.settings.coordinators),
        now=svc.clock(),
    )
    form_answers.remember(context, form, None)
    if done is None:
        await reply(update, context, _("This expression of interest was already submitted."))
        return
    text = render("interest/submitted", reference=done.reference, resubmitted=done.resubmitted)
    await reply(update, context, text, main_menu_rows())
    wake_dispatcher(context)


async def _discarded(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    """Confirms the discarded draft (or the dropped revision) and offers the menu."""
    if draft.reference:
        text = _(
            "Your changes were dropped. {reference} stays as it was submitted; you can revise it again from /mine."
        ).format(reference=draft.reference)
    else:
        text = _("Your draft was discarded.")
    await reply(update, context, text, main_menu_rows())


async def _extra_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft, question: Question, value: str
) -> None:
    """Hands "Help me choose" at the expert-model question to the expert-model advisor."""
    from conversations import models  # the advisor builds on this module, not the other way

    await models.advisor_from_form(update, context, draft, question, value)


# The programmes' short names, as their buttons show them.
PROGRAMME_NAMES = {"fkf": N_("Fachkräftefonds"), "vwp": N_("Verwaltungspartnerschaft")}


async def _offer_programmes(
    update: Update, context: ContextTypes.DEFAULT_TYPE, note: str | None = None
) -> None:
    rows = [
        *([(_(name), f"prog|{code}")] for code, name in PROGRAMME_NAMES.items()),
        [(_("✖️ Cancel"), "menu|home")],
    ]
    text = render("interest/programmes")
    await reply(update, context, f"⚠️ {note}\n\n{text}" if note else text, rows)


async def _first_back(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    """Back on the first question: the programme choice (the draft waits, paused, meanwhile;
    one with no answer yet is simply dropped)."""
    if not any(value not in (None, "", []) for value in draft.answers.values()):
        await services(context).db.run(store.discard_draft, draft_id=draft.id)
        form_answers.remember(context, FORMS[draft.form], None)
        await _offer_programmes(update, context)
        return
    await form_answers.hold(context, FORMS[draft.form], draft)
    note = _(
        "Your answers so far are kept. Choose {programme} to go on with them, or the other programme to start anew."
    ).format(programme=_(PROGRAMME_NAMES[draft.form]))
    await _offer_programmes(update, context, note)


def _form(programme: str, title: str, questions: tuple[Question, ...]) -> Form:
    return Form(
        name=programme,
        title=title,
        questions=questions,
        store=DRAFTS,
        on_submit=_submitted,
        on_discarded=_discarded,
        on_extra=_extra_pressed,
        on_first_back=_first_back,
        slot="interest",
    )


FORMS: dict[str, Form] = {
    Programme.FACHKRAEFTEFONDS: _form(
        "fkf", N_("Expression of interest · Fachkräftefonds"), FACHKRAEFTEFONDS
    ),
    Programme.VERWALTUNGSPARTNERSCHAFT: _form(
        "vwp", N_("Expression of interest · Verwaltungspartnerschaft"), VERWALTUNGSPARTNERSCHAFT
    ),
}


async def current_draft(context: ContextTypes.DEFAULT_TYPE, person_id: int) -> Draft | None:
    """The person's open draft (cached in this process after the first look-up)."""
    svc = services(context)
    return await form_answers.cached_draft(
        context, "interest", lambda: svc.db.run(store.current_draft, person_id=person_id)
    )


async def interest_requested(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offers the two programmes, or first the draft the person already has."""
    await acknowledge(update)
    await close_buttons(update)
    user = update.effective_user
    assert user is not None
    draft = await current_draft(context, user.id)
    if draft is not None:
        k, n = forms.position(FORMS[draft.form], draft)
        text = render(
            "interest/open_draft",
            programme=_(PROGRAMMES[draft.form]),
            reference=draft.reference,
            k=k,
            n=n,
            ready=draft.step == forms.SUMMARY,
        )
        rows = forms.resume_rows(FORMS[draft.form], draft)
        rows.append([(_("Choose a programme anew"), "prog|choose")])
        await reply(update, context, text, rows)
        return
    await _offer_programmes(update, context)


async def programme_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Starts the chosen programme's form, after confirming that an older draft may go."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    await acknowledge(update)
    await close_buttons(update)
    action, programme = query.data.split("|", 1)
    if programme == "choose":
        await _offer_programmes(update, context)
        return
    if programme not in FORMS:
        await reply(
            update, context, _("That button no longer works. Here is the menu."), main_menu_rows()
        )
        return
    draft = await current_draft(context, update.effective_user.id)
    if draft is not None and action == "prog":
        if draft.form == programme:
            await form_answers.button_pressed(update, context, FORMS[programme], draft, "", "o", "")
            return
        rows = [
            [(_("Yes, start anew"), f"prog!|{programme}")],
            *forms.resume_rows(FORMS[draft.form], draft),
        ]
        text = render(
            "interest/replace_draft",
            old=_(PROGRAMMES[draft.form]),
            new=_(PROGRAMMES[programme]),
            revising=draft.reference,
        )
        await reply(update, context, text, rows)
        return
    form = FORMS[programme]
    svc = services(context)
    draft = await svc.db.run(
        store.start_draft,
        person_id=update.effective_user.id,
        programme=Programme(programme),
        step=form.first_step(),
        now=svc.clock(),
    )
    form_answers.remember(context, form, draft)
    await reply(update, context, render(f"interest/intro_{programme}"))
    await form_answers.ask(update, context, form, draft)


async def form_button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Hands a button of the draft to the form; a button of an old draft gets a polite note."""
    assert update.effective_user is not None
    draft = await current_draft(context, update.effective_user.id)
    gone = _("This button belongs to a form that was already submitted or discarded.")
    await form_answers.press_on_draft(update, context, draft, lambda d: FORMS[d.form], gone)


async def answer_received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Takes any message as the answer to the open draft's step; otherwise passes it on."""
    user = update.effective_user
    if user is None:
        return
    draft = await current_draft(context, user.id)
    if draft is None or draft.paused or not is_active(context, "interest"):
        return
    await form_answers.answer_typed(update, context, FORMS[draft.form], draft)
    raise ApplicationHandlerStop


def _submission_notice(params: dict[str, Any]) -> str:
    """A coordinator's notice of a new submission, with its summary, in their language."""
    form = FORMS[params["programme"]]
    programme = PROGRAMMES[params["programme"]]
    return render(
        "notices/eoi_submitted",
        reference=params["reference"],
        programme=_(programme),
        lines=forms.summary_lines(form, params["answers"]),
        advisor=advisor.explanation(params["answers"]),
        partner_country=params["answers"].get("partner_country"),
        resubmitted=bool(params.get("resubmitted")),
        revising=bool(params.get("revising")),
    )


def setup() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The handlers of group 0 (commands and buttons) for expressions of interest."""
    register_entry(N_("📝 Express interest"), "menu|interest")
    notices.register("notices/eoi_submitted", _submission_notice)
    return [
        CommandHandler("interest", interest_requested),
        CallbackQueryHandler(interest_requested, pattern=r"^menu\|interest$"),
        CallbackQueryHandler(programme_chosen, pattern=r"^prog!?\|"),
        CallbackQueryHandler(form_button_pressed, pattern=r"^f\|"),
    ]


def setup_answers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The handler that takes free messages as answers (a later group than commands)."""
    return [
        MessageHandler(
            PERSONS_MESSAGE,
            answer_received,
        )
    ]
